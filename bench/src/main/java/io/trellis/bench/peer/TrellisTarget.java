package io.trellis.bench.peer;

import io.trellis.bench.process.BenchProcess;
import io.trellis.bench.process.Placement;
import io.trellis.bench.process.FreePort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Trellis proxy, run as its own process through the repository's launcher ({@link
 * TrellisLauncher}), so the benchmark measures exactly what a user runs.
 */
public final class TrellisTarget implements Target {

  private final Path launcher;
  private TrellisLauncher prepared;

  /** @param launcher the {@code trellis} script, or null when none was found */
  public TrellisTarget(Path launcher) {
    this.launcher = launcher;
  }

  @Override
  public void prepare() throws IOException, TargetUnavailableException {
    prepared = TrellisLauncher.check(launcher);
  }

  @Override
  public String name() {
    return "trellis";
  }

  @Override
  public Running start(Path workDir, BackendPorts backend, Placement placement)
      throws IOException, TargetUnavailableException {
    TrellisLauncher trellis = prepared != null ? prepared : TrellisLauncher.check(launcher);
    int listener = FreePort.pick();
    int admin = FreePort.pick();
    Path bootstrap = workDir.resolve("trellis-bootstrap.yaml");
    Files.writeString(bootstrap, TrellisBootstrap.render(listener, admin, backend));
    BenchProcess p = trellis.start("proxy-trellis", bootstrap, placement, workDir);
    return new Running(p, listener, listener);
  }
}
