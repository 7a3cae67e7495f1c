package io.trellis.cli;

import io.trellis.control.ControlPlane;
import io.trellis.control.admin.StateDirectory;
import io.trellis.control.status.MonitoringServer;
import io.trellis.control.xds.XdsServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trellis control-plane}: serve xDS for the Istio configuration in a directory. */
@Command(
    name = "control-plane",
    mixinStandardHelpOptions = true,
    description = {
      "Run the control plane: watch a directory of Istio and Kubernetes YAML, translate it to Envoy xDS,"
          + " and serve it over ADS to sidecars, gateways and proxyless gRPC clients.",
      "Every listener binds to 127.0.0.1 (xDS can be moved with --xds-address). `trellis apply`, `delete`, `proxy-status` and `proxy-config`"
          + " find it through the state directory."
    })
public final class ControlPlaneCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--config", paramLabel = "DIR", description = "Directory of YAML/JSON to watch (recursively).")
  Path config;

  @Option(names = "--xds-port", paramLabel = "N", defaultValue = "" + XdsServer.DEFAULT_PORT,
      description = "ADS (gRPC) port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
  int xdsPort;

  @Option(names = "--xds-address", paramLabel = "ADDR", defaultValue = "127.0.0.1",
      description = "Address the xDS server binds to. Default: ${DEFAULT-VALUE}; the local API and metrics always stay on loopback.")
  String xdsAddress;

  @Option(names = "--api-port", paramLabel = "N", defaultValue = "0",
      description = "Port of the local apply/status API; 0 (default) picks a free one, recorded in the state directory.")
  int apiPort;

  @Option(names = "--monitoring-port", paramLabel = "N", defaultValue = "" + MonitoringServer.DEFAULT_PORT,
      description = "Prometheus /metrics port; 0 picks a free one, -1 disables. Default: ${DEFAULT-VALUE}.")
  int monitoringPort;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Where the API token and control-plane.json go. Default: $TRELLIS_STATE_DIR, else ~/.trellis.")
  Path stateDir;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    if (config != null && !Files.isDirectory(config)) {
      err.println("trellis control-plane: --config " + config + ": not a directory");
      return 2;
    }
    for (int[] p : new int[][] {{xdsPort, 0}, {apiPort, 0}, {monitoringPort, -1}}) {
      if (p[0] < p[1] || p[0] > 65535) {
        err.println("trellis control-plane: port " + p[0] + " (expected: " + p[1] + "..65535)");
        return 2;
      }
    }
    StateDirectory state = StateDirectory.resolve(stateDir, System.getenv());
    ControlPlane cp;
    try {
      cp = ControlPlane.start(ControlPlane.Options.defaults(config, state).withPorts(xdsPort, apiPort, monitoringPort).withXdsHost(xdsAddress));
    } catch (IOException e) {
      err.println("trellis control-plane: " + e.getMessage());
      return 1;
    }
    var info = cp.info();
    out.println("xDS (ADS)    " + info.xdsHost() + ":" + info.xdsPort());
    out.println("API          " + info.host() + ":" + info.apiPort() + " (token: " + info.tokenFile() + ")");
    out.println("metrics      " + (info.monitoringPort() == 0 ? "off" : "http://" + info.host() + ":" + info.monitoringPort() + "/metrics"));
    out.println("config       " + (config == null ? "(none; use trellis apply)" : config.toAbsolutePath()));
    out.flush();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("control-plane-shutdown").unstarted(() -> {
      cp.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
