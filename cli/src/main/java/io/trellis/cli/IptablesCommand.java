package io.trellis.cli;

import io.trellis.cli.up.CaptureRules;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code trellis iptables}: the sidecar capture rules (Istio's istio-iptables), printed or applied. */
@Command(
    name = "iptables",
    mixinStandardHelpOptions = true,
    description = {
      "Print (default) or apply, in the current network namespace, the iptables nat rules that send a pod's TCP traffic"
          + " through its sidecar: inbound to 15006, outbound to 15001, except the proxy user's own connections and the"
          + " proxy's ports. The same rules `trellis up --isolation netns` installs in every pod."
    })
public final class IptablesCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--apply", description = "Apply the rules with iptables-restore instead of printing them.")
  boolean apply;

  @Option(names = "--proxy-uid", paramLabel = "UID", defaultValue = "1337", description = "The sidecar's user (and group) id. Default: ${DEFAULT-VALUE}.")
  int proxyUid;

  @Option(names = "--inbound-ports", paramLabel = "P,…", split = ",",
      description = "Inbound ports to capture. Default: all but the proxy's own (15000, 15008, 15020, 15021, 15090).")
  List<Integer> inboundPorts = List.of();

  @Option(names = "--exclude-ports", paramLabel = "P,…", split = ",", description = "Outbound destination ports never captured.")
  List<Integer> excludePorts = List.of();

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CaptureRules rules;
    try {
      rules = CaptureRules.defaults()
          .withProxyUid(proxyUid)
          .withInboundPorts(Set.copyOf(new LinkedHashSet<>(inboundPorts)))
          .withExcludedOutboundPorts(Set.copyOf(new LinkedHashSet<>(excludePorts)));
    } catch (IllegalArgumentException e) {
      err.println("trellis iptables: " + e.getMessage());
      return 2;
    }
    if (!apply) {
      out.print(rules.shellScript());
      out.flush();
      return 0;
    }
    Process p = new ProcessBuilder("iptables-restore", "--noflush").redirectErrorStream(true).start();
    p.getOutputStream().write(rules.restoreScript().getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      err.println("trellis iptables: iptables-restore did not finish within 30 s");
      return 1;
    }
    if (p.exitValue() != 0) {
      err.println("trellis iptables: iptables-restore failed (exit " + p.exitValue() + "): " + output.strip());
      return 1;
    }
    out.println("capture rules applied (inbound → " + rules.inboundCapturePort() + ", outbound → " + rules.outboundCapturePort()
        + ", proxy uid " + rules.proxyUid() + ")");
    return 0;
  }
}
