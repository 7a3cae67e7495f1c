package io.trellis.bench.peer;

import io.trellis.bench.process.BenchProcess;
import io.trellis.bench.process.CommandRun;
import io.trellis.bench.process.Placement;
import io.trellis.bench.process.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Trellis proxy, run as its own process through the repository's launcher ({@code trellis
 * proxy --bootstrap FILE}), so the benchmark measures exactly what a user runs. Before starting it
 * asks the launcher for {@code proxy --help}: a build without the proxy command is reported as
 * unavailable with the launcher's own words, and {@code --concurrency 1} is passed only when the
 * command offers it.
 */
public final class TrellisTarget implements Target {

  private final Path launcher;

  /** @param launcher the {@code trellis} script, or null when none was found */
  public TrellisTarget(Path launcher) {
    this.launcher = launcher;
  }

  @Override
  public String name() {
    return "trellis";
  }

  @Override
  public Running start(Path workDir, BackendPorts backend, Placement placement)
      throws IOException, TargetUnavailableException {
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
    int listener = FreePort.pick();
    int admin = FreePort.pick();
    Path bootstrap = workDir.resolve("trellis-bootstrap.yaml");
    Files.writeString(bootstrap, TrellisBootstrap.render(listener, admin, backend));
    List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "proxy", "--bootstrap", bootstrap.toString()));
    if (help.output().contains("--concurrency")) {
      cmd.addAll(List.of("--concurrency", "1"));
    }
    BenchProcess p = BenchProcess.start("proxy-trellis", cmd, placement, workDir);
    return new Running(p, listener, listener);
  }
}
