package io.trellis.cli.up;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a host tool ({@code ip}, {@code iptables-restore}) to completion and fails with its output
 * when it fails: network setup is a sequence of such steps, and a half-done step must say which.
 */
final class HostCommand {
  private HostCommand() {}

  /** Runs {@code command}; returns its output. */
  static String run(List<String> command) throws IOException {
    return run(command, null);
  }

  /** Runs {@code command} with {@code input} on its stdin; returns its output. */
  static String run(List<String> command, String input) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (input != null) {
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      }
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + ": did not finish within 30 s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + ": exit " + p.exitValue() + ": " + out.strip());
      }
      return out;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(String.join(" ", command) + ": interrupted", e);
    }
  }

  /** Runs {@code command}, ignoring failure (teardown of what may already be gone). */
  static void runQuietly(String... command) {
    try {
      run(List.of(command));
    } catch (IOException e) {
      // already gone, or never made: teardown goes on
    }
  }

  static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }
}
