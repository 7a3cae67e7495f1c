package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class IptablesCommandTest {
  private String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void printsTheRulesUpInstalls() {
    String[] r = run("iptables", "--proxy-uid", "1337", "--inbound-ports", "9080,9443", "--exclude-ports", "5432");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains(
        "iptables -t nat -A ISTIO_INBOUND -p tcp --dport 9080 -j ISTIO_IN_REDIRECT",
        "iptables -t nat -A ISTIO_INBOUND -p tcp --dport 9443 -j ISTIO_IN_REDIRECT",
        "iptables -t nat -A ISTIO_OUTPUT -p tcp --dport 5432 -j RETURN",
        "iptables -t nat -A ISTIO_REDIRECT -p tcp -j REDIRECT --to-ports 15001");
  }

  @Test
  void refusesABadPort() {
    String[] r = run("iptables", "--inbound-ports", "70000");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("port 70000 (expected: 1..65535)");
  }
}
