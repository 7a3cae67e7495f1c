package io.trellis.cli.up;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised local process: started with exactly the environment given (a container does not
 * inherit the host's), its output appended to a log file, restarted with back-off when it exits on
 * its own, and stopped by its own PID — SIGTERM, a grace period, then SIGKILL.
 */
final class ManagedProcess {
  private static final Logger log = LoggerFactory.getLogger(ManagedProcess.class);

  /** What to run. */
  record Spec(String name, List<String> command, Map<String, String> env, Path workDir, Path logFile, boolean restart) {
    Spec {
      Objects.requireNonNull(name, "name");
      command = List.copyOf(command);
      env = Map.copyOf(env);
      Objects.requireNonNull(workDir, "workDir");
      Objects.requireNonNull(logFile, "logFile");
    }
  }

  private final Spec spec;
  private final RestartPolicy policy;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private Process process;
  private Instant startedAt;
  private int consecutiveCrashes;
  private int restarts;
  private ScheduledFuture<?> pendingRestart;
  private boolean stopping;

  ManagedProcess(Spec spec, RestartPolicy policy, ScheduledExecutorService scheduler, Clock clock) {
    this.spec = spec;
    this.policy = policy;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  Spec spec() {
    return spec;
  }

  /**
   * Each process gets a session of its own ({@code setsid}, which execs in place, so the PID stays
   * the process's own): a terminal's Ctrl-C then reaches only {@code trellis up}, which stops the
   * pods itself, instead of every app and sidecar at once behind its back.
   */
  private static final java.util.Optional<String> SETSID =
      java.util.stream.Stream.of("/usr/bin/setsid", "/bin/setsid").filter(p -> Files.isExecutable(Path.of(p))).findFirst();

  synchronized void start() throws IOException {
    Files.createDirectories(spec.logFile().getParent());
    List<String> command = new java.util.ArrayList<>();
    SETSID.ifPresent(command::add);
    command.addAll(spec.command());
    ProcessBuilder pb = new ProcessBuilder(command).directory(spec.workDir().toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(spec.env());
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    process = p;
    startedAt = clock.instant();
    note("started " + spec.name() + " (pid " + p.pid() + ")");
    p.onExit().thenAccept(this::exited);
  }

  /** The current process's PID, or -1 when none runs (crashed, waiting to restart, or stopped). */
  synchronized long pid() {
    return process != null && process.isAlive() ? process.pid() : -1;
  }

  synchronized int restarts() {
    return restarts;
  }

  synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  private void exited(Process p) {
    synchronized (this) {
      if (p != process || stopping) {
        return;
      }
      Duration ran = Duration.between(startedAt, clock.instant());
      if (ran.compareTo(policy.resetAfter()) >= 0) {
        consecutiveCrashes = 0;
      }
      consecutiveCrashes++;
      if (!spec.restart()) {
        note(spec.name() + " exited with code " + p.exitValue());
        return;
      }
      Duration delay = policy.delay(consecutiveCrashes);
      note(spec.name() + " exited with code " + p.exitValue() + "; restarting in " + delay.toMillis() + " ms");
      log.warn("{} (pid {}) exited with code {}; restarting in {} ms", spec.name(), p.pid(), p.exitValue(), delay.toMillis());
      pendingRestart = scheduler.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private void restart() {
    synchronized (this) {
      if (stopping) {
        return;
      }
      restarts++;
      try {
        start();
      } catch (IOException e) {
        log.error("restarting {} failed: {}", spec.name(), e.toString());
        consecutiveCrashes++;
        pendingRestart = scheduler.schedule(this::restart, policy.delay(consecutiveCrashes).toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Sends SIGTERM to the process (by its PID) and stops restarting it; {@link #awaitStop} finishes. */
  synchronized void terminate() {
    stopping = true;
    if (pendingRestart != null) {
      pendingRestart.cancel(false);
    }
    if (process != null && process.isAlive()) {
      process.destroy(); // SIGTERM to this PID only
    }
  }

  /** Waits up to {@code grace} for the process to exit after {@link #terminate}, then SIGKILLs it. */
  void awaitStop(Duration grace) {
    Process p;
    synchronized (this) {
      p = process;
    }
    if (p == null) {
      return;
    }
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        note(spec.name() + " (pid " + p.pid() + ") did not stop within " + grace.toMillis() + " ms: SIGKILL");
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /** A line of our own in the process's log, so the log tells restarts apart. */
  private void note(String line) {
    try (Writer w = Files.newBufferedWriter(spec.logFile(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      w.write("[trellis up " + clock.instant() + "] " + line + "\n");
    } catch (IOException e) {
      log.debug("cannot write to {}: {}", spec.logFile(), e.toString());
    }
  }
}
