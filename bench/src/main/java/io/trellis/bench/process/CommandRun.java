package io.trellis.bench.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short-lived tool (wrk, h2load, nginx -t) to completion with a hard deadline and returns
 * its exit code and output. A tool that overruns is killed, never waited on forever.
 */
public final class CommandRun {

  /** The outcome of one tool run. */
  public record Result(List<String> command, int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }

    /** The output's last lines, for an error message. */
    public String tail(int lines) {
      String[] all = output.strip().split("\n");
      return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length));
    }
  }

  private CommandRun() {}

  /** Runs {@code command} placed by {@code placement}, killed after {@code timeout}. */
  public static Result run(List<String> command, Placement placement, Duration timeout) throws IOException {
    List<String> argv = new ArrayList<>(placement.prefix());
    argv.addAll(command);
    Path out = Files.createTempFile("trellis-bench-", ".out");
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
              .start();
      boolean done;
      try {
        done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while running " + argv, e);
      }
      if (!done) {
        p.destroyForcibly();
        throw new IOException(argv.get(0) + " did not finish within " + timeout + ": " + argv);
      }
      return new Result(List.copyOf(argv), p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
    }
  }
}
