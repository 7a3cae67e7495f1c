package io.trellis.control.local;

import io.trellis.api.model.Location;
import io.trellis.api.model.Resource;
import io.trellis.api.validate.Problem;
import io.trellis.control.config.ConfigSource;
import io.trellis.control.config.Rejection;
import io.trellis.control.config.SourceState;
import io.trellis.control.config.ValidatingLoader;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The YAML/JSON files directly in one directory (not its subdirectories), polled for changes:
 * what {@code kubectl apply -f DIR} reads, so that {@code trellis up samples/bookinfo} runs the
 * application and its gateway while the task files under {@code networking/} wait for {@code
 * trellis apply -f}.
 *
 * <p>Each file is all-or-nothing with its last good version kept, as in the control plane's
 * directory source. Polling every {@link #DEFAULT_POLL} (a few stat calls and, only for files whose
 * size or time changed, a read and a hash) keeps changes well within the one second the local mesh
 * promises, without a watcher per directory.
 */
public final class TopLevelFilesSource implements ConfigSource {
  private static final Logger log = LoggerFactory.getLogger(TopLevelFilesSource.class);

  public static final Duration DEFAULT_POLL = Duration.ofMillis(200);

  private record FileEntry(long size, long modified, String hash, List<Resource<?>> good, Rejection rejection) {}

  private final Path dir;
  private final ValidatingLoader loader;
  private final ScheduledExecutorService scheduler;
  private final Duration poll;
  private final Clock clock;
  private final Map<Path, FileEntry> files = new TreeMap<>();
  private Consumer<SourceState> listener;
  private ScheduledFuture<?> task;
  private boolean closed;

  public TopLevelFilesSource(Path dir, ValidatingLoader loader, ScheduledExecutorService scheduler, Duration poll, Clock clock) {
    this.dir = dir.toAbsolutePath().normalize();
    this.loader = Objects.requireNonNull(loader, "loader");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.poll = Objects.requireNonNull(poll, "poll");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The configuration files directly in {@code dir}, sorted by name. */
  public static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.filter(Files::isRegularFile)
          .filter(p -> {
            String n = p.getFileName().toString();
            return n.endsWith(".yaml") || n.endsWith(".yml") || n.endsWith(".json");
          })
          .sorted()
          .toList();
    }
  }

  @Override
  public String name() {
    return "dir:" + dir;
  }

  @Override
  public void start(Consumer<SourceState> listener) throws IOException {
    synchronized (this) {
      this.listener = Objects.requireNonNull(listener, "listener");
      scan(true);
      task = scheduler.scheduleWithFixedDelay(this::rescan, poll.toMillis(), poll.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Rereads the directory now and publishes if anything changed. */
  public void rescan() {
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        scan(false);
      } catch (IOException | RuntimeException e) {
        log.warn("rescanning {} failed; keeping the configuration in force: {}", dir, e.toString());
      }
    }
  }

  private void scan(boolean initial) throws IOException {
    boolean changed = initial;
    Set<Path> seen = new HashSet<>();
    for (Path file : Files.isDirectory(dir) ? files(dir) : List.<Path>of()) {
      seen.add(file);
      FileEntry old = files.get(file);
      long size;
      long modified;
      byte[] bytes;
      try {
        size = Files.size(file);
        modified = Files.getLastModifiedTime(file).toMillis();
        if (old != null && old.size() == size && old.modified() == modified) {
          continue;
        }
        bytes = Files.readAllBytes(file);
      } catch (NoSuchFileException gone) {
        continue;
      }
      String hash = sha256(bytes);
      if (old != null && old.hash().equals(hash)) {
        files.put(file, new FileEntry(size, modified, hash, old.good(), old.rejection()));
        continue;
      }
      changed = true;
      String name = dir.relativize(file).toString();
      ValidatingLoader.Outcome outcome = decode(name, bytes);
      if (outcome.accepted()) {
        files.put(file, new FileEntry(size, modified, hash, outcome.resources(), null));
        log.info("{}: {} resource(s) in force", name, outcome.resources().size());
      } else {
        Rejection rejection = new Rejection(name, outcome.problems(), clock.instant());
        files.put(file, new FileEntry(size, modified, hash, old == null ? List.of() : old.good(), rejection));
        log.warn("{} rejected; {}:\n  {}", name,
            old == null ? "it has no earlier version in force" : "its last good version stays in force",
            String.join("\n  ", rejection.messages()));
      }
    }
    for (Path gone : new ArrayList<>(files.keySet())) {
      if (!seen.contains(gone)) {
        files.remove(gone);
        changed = true;
        log.info("{}: removed; its resources are withdrawn", dir.relativize(gone));
      }
    }
    if (changed) {
      listener.accept(state());
    }
  }

  private ValidatingLoader.Outcome decode(String name, byte[] bytes) {
    try {
      String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
      return loader.load(name, text);
    } catch (CharacterCodingException e) {
      return new ValidatingLoader.Outcome(List.of(), List.of(Problem.error(new Location(name, 1, 1), null, "", "file is not UTF-8 text", null)));
    }
  }

  public synchronized SourceState state() {
    List<Resource<?>> resources = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    for (FileEntry e : files.values()) {
      resources.addAll(e.good());
      if (e.rejection() != null) {
        rejections.add(e.rejection());
      }
    }
    return new SourceState(name(), resources, rejections);
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      listener = null;
      if (task != null) {
        task.cancel(false);
      }
    }
  }
}
