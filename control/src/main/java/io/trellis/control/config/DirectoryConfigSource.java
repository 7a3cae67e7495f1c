package io.trellis.control.config;

import io.trellis.api.load.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * A directory of YAML/JSON files (searched recursively), watched for changes.
 *
 * <p>Each file is all-or-nothing: a file that loads and validates cleanly replaces that file's
 * resources; a file with errors is rejected with its problems (logged and published for status)
 * and the last good version of that file stays in force; a deleted file's resources go away.
 * Other files are never affected by one file's mistakes. If the directory itself disappears, what
 * is in force stays until it returns.
 *
 * <p>Change detection: the JDK's {@link WatchService} (inotify on Linux) tells us something
 * changed, and a periodic rescan is the safety net for what watchers miss (network filesystems,
 * overflowed event queues, directories created between scans). Either way the whole tree is
 * rescanned: a file whose size, modification time and inode are as last read (and were not racy
 * then) is skipped, any other is read and compared by content hash, so editors that save by
 * rename, touch without change, or write in several steps are handled alike. All work runs on the injected scheduler.
 */
public final class DirectoryConfigSource implements ConfigSource {
  private static final Logger log = LoggerFactory.getLogger(DirectoryConfigSource.class);

  /** How often the watch queue is drained; bounds how long a change waits to be seen. */
  static final Duration WATCH_POLL = Duration.ofMillis(50);

  public static final Duration DEFAULT_RESCAN = Duration.ofSeconds(5);

  private final Path dir;
  private final ScheduledExecutorService scheduler;
  private final Duration rescanInterval;
  private final ConfigFiles files;
  private final Clock clock;
  private final Set<Path> watchedDirs = new HashSet<>();
  private final List<ScheduledFuture<?>> tasks = new ArrayList<>();
  private WatchService watcher;
  private Consumer<SourceState> listener;
  private boolean closed;
  private boolean missingReported;

  public DirectoryConfigSource(
      Path dir, ValidatingLoader loader, ScheduledExecutorService scheduler, Duration rescanInterval, Clock clock) {
    this.dir = dir.toAbsolutePath().normalize();
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.rescanInterval = Objects.requireNonNull(rescanInterval, "rescanInterval");
    this.files = new ConfigFiles(this.dir, loader, clock);
    this.clock = clock;
  }

  @Override
  public String name() {
    return "dir:" + dir;
  }

  @Override
  public void start(Consumer<SourceState> listener) throws IOException {
    if (!Files.isDirectory(dir)) {
      throw new NoSuchFileException(dir.toString(), null, "config directory does not exist or is not a directory");
    }
    synchronized (this) {
      this.listener = Objects.requireNonNull(listener, "listener");
      watcher = FileSystems.getDefault().newWatchService();
      rescanLocked(true);
      tasks.add(
          scheduler.scheduleWithFixedDelay(
              this::drainWatchEvents, WATCH_POLL.toMillis(), WATCH_POLL.toMillis(), TimeUnit.MILLISECONDS));
      tasks.add(
          scheduler.scheduleWithFixedDelay(
              this::rescan, rescanInterval.toMillis(), rescanInterval.toMillis(), TimeUnit.MILLISECONDS));
    }
  }

  /** Drains pending watch events; any event means "rescan". */
  private void drainWatchEvents() {
    boolean changed = false;
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        WatchKey key;
        while ((key = watcher.poll()) != null) {
          key.pollEvents();
          changed = true;
          if (!key.reset()) {
            watchedDirs.remove((Path) key.watchable());
          }
        }
      } catch (ClosedWatchServiceException e) {
        return;
      }
    }
    if (changed) {
      rescan();
    }
  }

  /** Rereads the directory now and publishes if anything changed. Safe to call at any time. */
  public void rescan() {
    synchronized (this) {
      if (closed) {
        return;
      }
      try {
        rescanLocked(false);
      } catch (IOException | UncheckedIOException e) {
        log.warn("rescanning {} failed; keeping the configuration in force: {}", dir, e.toString());
      }
    }
  }

  private void rescanLocked(boolean initial) throws IOException {
    if (!Files.isDirectory(dir)) {
      // Unmounted, moved or deleted as a whole: far more likely an accident than an intent to
      // withdraw every resource from every proxy. Keep what is in force until it comes back.
      if (!missingReported) {
        log.warn("config directory {} is gone; keeping the configuration in force until it returns", dir);
        missingReported = true;
      }
      watchedDirs.clear(); // their watch keys died with them; register afresh when it returns
      return;
    }
    missingReported = false;
    watchDirectories();
    List<Path> present = ConfigLoader.files(List.of(dir));
    boolean changed = initial;
    Set<Path> seen = new HashSet<>();
    for (Path file : present) {
      seen.add(file);
      try {
        ConfigFiles.FileStamp stamp =
            ConfigFiles.FileStamp.of(Files.readAttributes(file, BasicFileAttributes.class), clock.instant());
        if (!files.unchanged(file, stamp)) {
          changed |= files.offer(file, Files.readAllBytes(file), stamp);
        }
      } catch (NoSuchFileException gone) {
        // deleted between listing and reading; the next scan removes it
      }
    }
    changed |= files.retainOnly(seen);
    if (changed) {
      files.warnAboutDuplicates();
      listener.accept(state());
    }
  }

  /** Registers every directory in the tree with the watcher (new ones appear at any time). */
  private void watchDirectories() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path d : walk.filter(Files::isDirectory).toList()) {
        if (watchedDirs.add(d)) {
          d.register(
              watcher,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
        }
      }
    }
  }

  /** The current state: every file's last good resources, in file order, and its rejection. */
  public synchronized SourceState state() {
    return files.state(name());
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      tasks.forEach(t -> t.cancel(false));
      if (watcher != null) {
        try {
          watcher.close();
        } catch (IOException e) {
          log.debug("closing the watch service: {}", e.toString());
        }
      }
    }
  }
}
