package io.trellis.bench.peer;

import io.trellis.bench.process.BenchProcess;
import io.trellis.bench.process.FreePort;
import io.trellis.bench.process.Placement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Trellis sidecar pair: the load goes to proxy A (plain HTTP/1.1 and h2c, like {@link
 * TrellisTarget}), which sends it over mutual TLS with HTTP/2 (ALPN h2) to proxy B, which proxies
 * to the origin. Both are started through the launcher like {@code trellis} and placed on the same
 * proxy CPU(s), so the row shows what a pair of sidecars costs on one core; both processes are
 * measured. The certificates are made for the run by {@link MeshPki}.
 */
public final class TrellisMtlsTarget implements Target {

  private final Path launcher;
  private TrellisLauncher prepared;

  /** @param launcher the {@code trellis} script, or null when none was found */
  public TrellisMtlsTarget(Path launcher) {
    this.launcher = launcher;
  }

  @Override
  public void prepare() throws IOException, TargetUnavailableException {
    prepared = TrellisLauncher.check(launcher);
  }

  @Override
  public String name() {
    return "trellis-mtls";
  }

  @Override
  public Running start(Path workDir, BackendPorts backend, Placement placement)
      throws IOException, TargetUnavailableException {
    return startPair(workDir, backend, placement).running();
  }

  /**
   * A started pair: the target as the benchmark sees it, plus where proxy B listens, proxy A's
   * admin port and the run's PKI, for checks that look behind the target.
   */
  record Pair(Running running, int serverSidePort, int clientAdminPort, MeshPki pki) {}

  Pair startPair(Path workDir, BackendPorts backend, Placement placement)
      throws IOException, TargetUnavailableException {
    TrellisLauncher trellis = prepared != null ? prepared : TrellisLauncher.check(launcher);
    Path dir = Files.createDirectories(workDir.resolve("trellis-mtls"));
    MeshPki pki = MeshPki.create(dir.resolve("pki"));
    int aListener = FreePort.pick();
    int aAdmin = FreePort.pick();
    int bListener = FreePort.pick();
    int bAdmin = FreePort.pick();
    Path aBootstrap = dir.resolve("proxy-a-bootstrap.yaml");
    Path bBootstrap = dir.resolve("proxy-b-bootstrap.yaml");
    Files.writeString(aBootstrap, TrellisMtlsBootstrap.clientSide(aListener, aAdmin, bListener, pki));
    Files.writeString(bBootstrap, TrellisMtlsBootstrap.serverSide(bListener, bAdmin, backend, pki));
    BenchProcess b = trellis.start("proxy-trellis-mtls-b", bBootstrap, placement, workDir);
    BenchProcess a;
    try {
      a = trellis.start("proxy-trellis-mtls-a", aBootstrap, placement, workDir);
    } catch (IOException e) {
      b.close();
      throw e;
    }
    return new Pair(new Running(a, List.of(b), aListener, aListener), bListener, aAdmin, pki);
  }
}
