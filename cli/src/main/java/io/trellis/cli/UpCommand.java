package io.trellis.cli;

import io.trellis.cli.up.Isolation;
import io.trellis.cli.up.LocalMesh;
import io.trellis.control.admin.StateDirectory;
import io.trellis.control.xds.XdsServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trellis up DIR}: run a directory of Kubernetes manifests and Istio config as a local mesh. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Run a local mesh from a directory of Kubernetes manifests (Namespace, ServiceAccount, Service, Deployment) and Istio"
          + " configuration: the control plane, an ingress gateway on 127.0.0.1, and for every Deployment replica its container's"
          + " command as a local process with a Trellis sidecar where Istio would inject one.",
      "Reads the directory's top-level files (like kubectl apply -f DIR) and watches them: changed Istio resources apply within"
          + " a second, changed Deployments roll their pods. `trellis apply -f`, `delete -f` and `proxy-status` work against it."
          + " Ctrl-C stops everything."
    })
public final class UpCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "Directory of manifests, e.g. samples/bookinfo.")
  Path dir;

  @Option(names = "--isolation", paramLabel = "MODE", defaultValue = "loopback",
      description = "loopback (default: shared network, a loopback address per pod, no root) or netns"
          + " (a network namespace per pod with iptables capture; Linux, root).")
  String isolation;

  @Option(names = "--ingress-port", paramLabel = "N", defaultValue = "8080",
      description = "Port of the ingress gateway on 127.0.0.1. Default: ${DEFAULT-VALUE}.")
  int ingressPort;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "State directory (API token, control-plane.json, up.json, logs). Default: $TRELLIS_STATE_DIR, else ~/.trellis.")
  Path stateDir;

  @Option(names = "--xds-port", paramLabel = "N", defaultValue = "" + XdsServer.DEFAULT_PORT,
      description = "The control plane's ADS port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int xdsPort;

  @Option(names = "--monitoring-port", paramLabel = "N", defaultValue = "-1",
      description = "The control plane's Prometheus /metrics port; 0 picks a free one, -1 (default) disables it.")
  int monitoringPort;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Isolation mode;
    try {
      mode = Isolation.valueOf(isolation.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      err.println("trellis up: --isolation " + isolation + " (expected: loopback or netns)");
      return 2;
    }
    if (ingressPort < 1 || ingressPort > 65535) {
      err.println("trellis up: --ingress-port " + ingressPort + " (expected: 1..65535)");
      return 2;
    }
    if (xdsPort < 0 || xdsPort > 65535 || monitoringPort < -1 || monitoringPort > 65535) {
      err.println("trellis up: --xds-port/--monitoring-port out of range (expected: 0..65535; -1 turns metrics off)");
      return 2;
    }
    StateDirectory state = StateDirectory.resolve(stateDir, System.getenv());
    LocalMesh mesh;
    try {
      mesh = LocalMesh.start(LocalMesh.Options.defaults(dir, mode, ingressPort, state, xdsPort, monitoringPort), out);
    } catch (LocalMesh.ManifestErrors e) {
      e.messages().forEach(err::println);
      err.println("trellis up: " + e.getMessage() + "; nothing started");
      return 1;
    } catch (IOException e) {
      err.println("trellis up: " + e.getMessage());
      return 1;
    }
    out.println("mesh up: " + mesh.ingressUrl() + "/productpage (if this is Bookinfo); Ctrl-C to stop");
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("up-shutdown").unstarted(() -> {
      System.err.println("trellis up: stopping every pod, the gateway and the control plane");
      mesh.close();
      System.err.println("trellis up: stopped");
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
