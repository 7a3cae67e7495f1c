package io.trellis.bench.peer;

import io.trellis.bench.process.BenchProcess;
import io.trellis.bench.process.CommandRun;
import io.trellis.bench.process.Placement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts Trellis proxies the way a user does, through the repository's launcher ({@code trellis
 * proxy --bootstrap FILE}), so a benchmark measures exactly what a user runs. {@link #check} asks
 * the launcher for {@code proxy --help} once: a build without the proxy command is reported as
 * unavailable with the launcher's own words, and {@code --concurrency 1} is passed only when the
 * command offers it. Every target that runs Trellis proxies starts them through this one class, so
 * they are all started alike.
 */
final class TrellisLauncher {

  private final Path launcher;
  private final boolean offersConcurrency;

  private TrellisLauncher(Path launcher, boolean offersConcurrency) {
    this.launcher = launcher;
    this.offersConcurrency = offersConcurrency;
  }

  /**
   * @param launcher the {@code trellis} script, or null when none was found
   * @throws TargetUnavailableException when there is no launcher or it has no working proxy command
   */
  static TrellisLauncher check(Path launcher) throws IOException, TargetUnavailableException {
    if (launcher == null) {
      throw new TargetUnavailableException(
          "no Trellis launcher: TRELLIS_HOME is not set (run as `./trellis bench`, or pass --trellis PATH)");
    }
    if (!Files.isExecutable(launcher)) {
      throw new TargetUnavailableException("Trellis launcher " + launcher + " is not an executable file");
    }
    CommandRun.Result help =
        CommandRun.run(List.of(launcher.toString(), "proxy", "--help"), Placement.NONE, Duration.ofMinutes(5));
    if (!help.ok()) {
      throw new TargetUnavailableException(
          "`trellis proxy` is not available in this build (exit " + help.exitCode() + "): " + help.tail(2));
    }
    return new TrellisLauncher(launcher, help.output().contains("--concurrency"));
  }

  /** Starts one proxy from {@code bootstrap}, its output in {@code workDir/name.log}. */
  BenchProcess start(String name, Path bootstrap, Placement placement, Path workDir) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "proxy", "--bootstrap", bootstrap.toString()));
    if (offersConcurrency) {
      cmd.addAll(List.of("--concurrency", "1"));
    }
    return BenchProcess.start(name, cmd, placement, workDir);
  }
}
