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
}
