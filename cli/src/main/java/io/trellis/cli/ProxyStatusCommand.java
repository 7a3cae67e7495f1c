package io.trellis.cli;

import io.trellis.control.admin.AdminClient;
import io.trellis.control.admin.StateDirectory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trellis proxy-status}: each connected proxy's xDS sync state. */
@Command(
    name = "proxy-status",
    mixinStandardHelpOptions = true,
    description = {
      "Show every proxy connected to the running control plane and, per xDS type (CDS, LDS, EDS, RDS),"
          + " whether it is SYNCED, NOT SENT, STALE (sent, not yet acknowledged) or NACKED (with the proxy's error);"
          + " then any configuration the control plane rejected."
    })
public final class ProxyStatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table (default) or json.")
  String output;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "The control plane's state directory. Default: $TRELLIS_STATE_DIR, else ~/.trellis.")
  Path stateDir;

  @Override
  public Integer call() {
    if (!output.equals("table") && !output.equals("json")) {
      spec.commandLine().getErr().println("trellis proxy-status: -o " + output + " (expected: table or json)");
      return 2;
    }
    try {
      String text = AdminClient.connect(StateDirectory.resolve(stateDir, System.getenv())).proxyStatus(output.equals("json"));
      spec.commandLine().getOut().print(text);
      spec.commandLine().getOut().flush();
      return 0;
    } catch (IOException e) {
      spec.commandLine().getErr().println("trellis proxy-status: " + e.getMessage());
      return 1;
    }
  }
}
