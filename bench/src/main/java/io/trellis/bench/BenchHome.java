package io.trellis.bench;

import io.trellis.bench.process.CommandRun;
import io.trellis.bench.process.Placement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The Trellis checkout a benchmark runs from: where the launcher is (to start Trellis as a user
 * would), where the package installer is, and where results are recorded. Found from {@code
 * TRELLIS_HOME}, which the launcher exports, or from the working directory when it is a checkout.
 */
public record BenchHome(Path root) {

  /**
   * The checkout named by {@code trellisHome} (the TRELLIS_HOME variable), else the nearest of
   * {@code cwd} and its parents that is one.
   */
  public static BenchHome find(String trellisHome, Path cwd) {
    if (trellisHome != null && !trellisHome.isBlank()) {
      return new BenchHome(Path.of(trellisHome).toAbsolutePath());
    }
    for (Path d = cwd.toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("trellis")) && Files.isDirectory(d.resolve("bench"))) {
        return new BenchHome(d);
      }
    }
    throw new IllegalStateException(
        "cannot find the Trellis checkout: TRELLIS_HOME is not set and " + cwd.toAbsolutePath()
            + " is not inside a checkout with a `trellis` launcher (run as `./trellis bench ...`)");
  }

  public Path launcher() {
    return root.resolve("trellis");
  }

  public Path results() {
    return root.resolve("bench").resolve("results");
  }

  /**
   * Runs {@code tools/ensure-packages bench}, which installs nginx, HAProxy, wrk, h2load and curl
   * when they are missing (and says what is missing when it cannot).
   */
  public void ensurePackages() throws IOException {
    Path script = root.resolve("tools").resolve("ensure-packages");
    if (!Files.isExecutable(script)) {
      throw new IOException(script + " is missing or not executable");
    }
    CommandRun.Result r = CommandRun.run(List.of(script.toString(), "bench"), Placement.NONE, Duration.ofMinutes(10));
    if (!r.ok()) {
      throw new IOException("tools/ensure-packages bench failed (exit " + r.exitCode() + "): " + r.tail(5));
    }
  }
}
