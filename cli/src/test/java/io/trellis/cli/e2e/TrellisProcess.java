package io.trellis.cli.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started from the test's own class path ({@code java -cp … MAIN ARGS}), its output in a log
 * file. Stopped by its own PID: SIGTERM, a bounded wait, then SIGKILL.
 */
final class TrellisProcess implements AutoCloseable {
  /** Small heaps and one GC thread: several of these share two cores with the test. */
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-Xmx128m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "--enable-native-access=ALL-UNNAMED",
          "--sun-misc-unsafe-memory-access=allow");

  private final String name;
  private final Process process;
  private final Path log;

  private TrellisProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code mainClass args} with the running JVM's {@code java} and class path. */
  static TrellisProcess start(String name, Path logDir, String mainClass, List<String> args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.addAll(JVM_OPTIONS);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass);
    command.addAll(args);
    Path log = logDir.resolve(name + ".log");
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new TrellisProcess(name, p, log);
  }

  /** {@code trellis ARGS} as its own process. */
  static TrellisProcess trellis(String name, Path logDir, List<String> args) throws IOException {
    return start(name, logDir, "io.trellis.cli.Main", args);
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The last {@code lines} lines of its output, for failure messages. */
  String tail(int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return "---- " + name + " (pid " + pid() + (isAlive() ? "" : ", exited " + process.exitValue()) + ") ----\n"
          + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "---- " + name + ": log unreadable: " + e;
    }
  }

  @Override
  public void close() {
    ProcessHandle h = process.toHandle();
    if (!h.isAlive()) {
      return;
    }
    h.destroy(); // SIGTERM: the commands shut down cleanly on it
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        h.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      h.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
