package io.trellis.control.local;

import io.trellis.control.config.ConfigFiles;
import io.trellis.control.config.ConfigSource;
import io.trellis.control.config.SourceState;
import io.trellis.control.config.ValidatingLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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

  /** A file's size and modification time: when both are unchanged the file is not read again. */
  private record Stamp(long size, long modified) {}

  private final Path dir;
  private final ScheduledExecutorService scheduler;
  private final Duration poll;
  private final ConfigFiles contents;
  private final Map<Path, Stamp> stamps = new HashMap<>();
  private Consumer<SourceState> listener;
  private ScheduledFuture<?> task;
  private boolean closed;

  public TopLevelFilesSource(Path dir, ValidatingLoader loader, ScheduledExecutorService scheduler, Duration poll, Clock clock) {
    this.dir = dir.toAbsolutePath().normalize();
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.poll = Objects.requireNonNull(poll, "poll");
    this.contents = new ConfigFiles(this.dir, loader, clock);
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
      try {
        Stamp stamp = new Stamp(Files.size(file), Files.getLastModifiedTime(file).toMillis());
        if (!stamp.equals(stamps.put(file, stamp))) {
          changed |= contents.offer(file, Files.readAllBytes(file));
        }
      } catch (NoSuchFileException gone) {
        stamps.remove(file); // deleted between listing and reading; the next scan withdraws it
      }
    }
    stamps.keySet().retainAll(seen);
    changed |= contents.retainOnly(seen);
    if (changed) {
      listener.accept(state());
    }
  }

  public synchronized SourceState state() {
    return contents.state(name());
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
