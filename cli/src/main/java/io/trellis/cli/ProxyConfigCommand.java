package io.trellis.cli;

import io.trellis.control.admin.AdminClient;
import io.trellis.control.admin.StateDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code trellis proxy-config clusters PROXY}: what the control plane sent one proxy. */
@Command(
    name = "proxy-config",
    mixinStandardHelpOptions = true,
    description = {
      "Show the listeners, routes, clusters or endpoints the running control plane last sent one proxy:"
          + " a short table, or Envoy's JSON with -o json. The proxy id is the one `trellis proxy-status` lists."
    })
public final class ProxyConfigCommand implements Callable<Integer> {
  /** The sections users ask for. */
  enum Section { listeners, routes, clusters, endpoints }

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "SECTION", description = "listeners, routes, clusters or endpoints.")
  Section section;

  @Parameters(index = "1", paramLabel = "PROXY", description = "The proxy: its id (sidecar~10.0.0.1~reviews-v1-1.default~default.svc.cluster.local), POD.NAMESPACE (reviews-v1-1.default) or a unique pod name.")
  String proxy;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "short", description = "short (default) or json.")
  String output;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "The control plane's state directory. Default: $TRELLIS_STATE_DIR, else ~/.trellis.")
  Path stateDir;

  @Override
  public Integer call() {
    if (!output.equals("short") && !output.equals("json")) {
      spec.commandLine().getErr().println("trellis proxy-config: -o " + output + " (expected: short or json)");
      return 2;
    }
    try {
      AdminClient client = AdminClient.connect(StateDirectory.resolve(stateDir, System.getenv()));
      spec.commandLine().getOut().print(client.proxyConfig(section.name(), proxy, output.equals("json")));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (IOException e) {
      spec.commandLine().getErr().println("trellis proxy-config: " + e.getMessage());
      return 1;
    }
  }
}
