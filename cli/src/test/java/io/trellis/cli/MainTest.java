package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  @Test
  void versionNamesTheBuildAndTheJvm() {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    assertThat(cl.execute("--version")).isZero();
    assertThat(out.toString()).contains("trellis 0.1.0-SNAPSHOT").contains("java 25");
  }

  @Test
  void everySubcommandHasHelp() {
    var names = Main.commandLine().getSubcommands().keySet();
    assertThat(names).contains(
        "up", "validate", "analyze", "control-plane", "proxy", "apply", "delete", "proxy-status", "proxy-config",
        "logs", "iptables", "bench", "version");
    for (String name : names) {
      if (name.equals("help")) {
        continue;
      }
      CommandLine cl = Main.commandLine();
      StringWriter out = new StringWriter();
      cl.setOut(new PrintWriter(out));
      assertThat(cl.execute(name, "--help")).as(name).isZero();
      assertThat(out.toString()).as(name).contains("Usage: trellis " + name);
    }
  }

  @Test
  void proxyRunsOnACommandLineThatKnowsOnlyTheProxy() {
    assertThat(Main.commandLineFor(new String[] {"proxy", "--bootstrap", "b.yaml"}).getSubcommands().keySet())
        .containsExactly("proxy");
    assertThat(Main.commandLineFor(new String[] {"validate"}).getSubcommands().keySet()).contains("proxy", "up", "bench");
    assertThat(Main.commandLineFor(new String[0]).getSubcommands().keySet()).contains("proxy", "up", "bench");
  }

  @Test
  void theProxyOnlyCommandLineSaysWhatTheFullOneSays() {
    for (String[] args :
        new String[][] {{"proxy", "--help"}, {"proxy", "--no-such-flag"}, {"proxy"}, {"proxy", "--version"}}) {
      StringWriter fullOut = new StringWriter();
      StringWriter fullErr = new StringWriter();
      CommandLine full = Main.commandLine();
      full.setOut(new PrintWriter(fullOut));
      full.setErr(new PrintWriter(fullErr));
      StringWriter onlyOut = new StringWriter();
      StringWriter onlyErr = new StringWriter();
      CommandLine only = Main.commandLineFor(args);
      only.setOut(new PrintWriter(onlyOut));
      only.setErr(new PrintWriter(onlyErr));
      assertThat(only.execute(args)).as(String.join(" ", args)).isEqualTo(full.execute(args));
      assertThat(onlyOut.toString()).as(String.join(" ", args)).isEqualTo(fullOut.toString());
      assertThat(onlyErr.toString()).as(String.join(" ", args)).isEqualTo(fullErr.toString());
    }
  }
}
