package io.trellis.bench.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A server process the harness started (backend, peer proxy, Trellis). Output goes to a log file
 * in the run's work directory, so that a failure can quote it. {@link #close()} stops the process
 * and its descendants by PID; a JVM shutdown hook closes whatever a crashed run left behind.
 */
public final class BenchProcess implements AutoCloseable {

  private static final Set<BenchProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static final Duration GRACE = Duration.ofSeconds(5);

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(BenchProcess::close), "bench-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path log;

  private BenchProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * Starts {@code command} placed by {@code placement}, with stdout and stderr in {@code
   * workDir/name.log}.
   */
  public static BenchProcess start(String name, List<String> command, Placement placement, Path workDir)
      throws IOException {
    List<String> argv = new ArrayList<>(placement.prefix());
    argv.addAll(command);
    Path log = workDir.resolve(name + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(argv)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    BenchProcess bp = new BenchProcess(name, p, log);
    LIVE.add(bp);
    return bp;
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The last {@code lines} lines of the process's output, for error messages. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | java.io.UncheckedIOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM to the process, then SIGKILL to it and any descendant still alive after a grace period. */
  @Override
  public void close() {
    if (!LIVE.remove(this)) {
      return;
    }
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    for (ProcessHandle d : descendants) {
      if (d.isAlive()) {
        d.destroyForcibly();
      }
    }
  }

  @Override
  public String toString() {
    return name + "(pid " + process.pid() + ")";
  }
}
