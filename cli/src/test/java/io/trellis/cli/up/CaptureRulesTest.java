package io.trellis.cli.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptureRulesTest {

  @Test
  void defaultsCaptureInboundTo15006AndOutboundTo15001ExceptTheProxyAndItsPorts() {
    String script = CaptureRules.defaults().shellScript();
    assertThat(script.lines().toList())
        .contains(
            "iptables -t nat -N ISTIO_INBOUND",
            "iptables -t nat -A PREROUTING -p tcp -j ISTIO_INBOUND",
            "iptables -t nat -A ISTIO_INBOUND -p tcp --dport 15000 -j RETURN",
            "iptables -t nat -A ISTIO_INBOUND -p tcp --dport 15090 -j RETURN",
            "iptables -t nat -A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT",
            "iptables -t nat -A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006",
            "iptables -t nat -A OUTPUT -p tcp -j ISTIO_OUTPUT",
            "iptables -t nat -A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN",
            "iptables -t nat -A ISTIO_OUTPUT -m owner --gid-owner 1337 -j RETURN",
            "iptables -t nat -A ISTIO_OUTPUT -d 127.0.0.1/32 -j RETURN",
            "iptables -t nat -A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001");
    // The proxy's exemption comes before the catch-all redirect, or the proxy would loop into itself.
    List<String> lines = script.lines().toList();
    assertThat(lines.indexOf("iptables -t nat -A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN"))
        .isLessThan(lines.indexOf("iptables -t nat -A ISTIO_OUTPUT -j ISTIO_REDIRECT"));
  }

  @Test
  void explicitInboundPortsAndOutboundExclusions() {
    CaptureRules r = CaptureRules.defaults().withProxyUid(2000).withInboundPorts(Set.of(9080)).withExcludedOutboundPorts(Set.of(5432));
    String script = r.restoreScript();
    assertThat(script).startsWith("*nat\n").endsWith("COMMIT\n");
    assertThat(script).contains("-A ISTIO_INBOUND -p tcp --dport 9080 -j ISTIO_IN_REDIRECT\n");
    assertThat(script).doesNotContain("-A ISTIO_INBOUND -p tcp -j ISTIO_IN_REDIRECT");
    assertThat(script).contains("-A ISTIO_OUTPUT -p tcp --dport 5432 -j RETURN\n", "--uid-owner 2000", "--gid-owner 2000");
  }

  @Test
  void refusesBadPortsAndIds() {
    assertThatThrownBy(() -> CaptureRules.defaults().withInboundPorts(Set.of(0))).hasMessage("port 0 (expected: 1..65535)");
    assertThatThrownBy(() -> CaptureRules.defaults().withProxyUid(-1)).hasMessage("proxy uid/gid: -1 (expected: 0 or more)");
  }

  /** The rules as iptables itself accepts and lists them, in a throwaway network namespace. */
  @Test
  void iptablesAcceptsTheRulesInANetworkNamespace() throws Exception {
    assumeThat(Files.getAttribute(Path.of("/proc/self"), "unix:uid")).as("root").isEqualTo(0);
    String ns = "trellis-rules-" + ProcessHandle.current().pid();
    HostCommand.run(List.of("ip", "netns", "add", ns));
    try {
      HostCommand.run(List.of("ip", "netns", "exec", ns, "iptables-restore", "--noflush"), CaptureRules.defaults().restoreScript());
      String listed = HostCommand.run(List.of("ip", "netns", "exec", ns, "iptables", "-t", "nat", "-S"));
      assertThat(listed).contains(
          "-A PREROUTING -p tcp -j ISTIO_INBOUND",
          "-A ISTIO_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006",
          "-A ISTIO_OUTPUT -m owner --uid-owner 1337 -j RETURN",
          "-A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001");
    } finally {
      HostCommand.runQuietly("ip", "netns", "del", ns);
    }
    assertThat(HostCommand.run(List.of("ip", "netns", "list"))).doesNotContain(ns);
  }
}
