package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.control.admin.ControlPlaneInfo;
import io.trellis.control.admin.StateDirectory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trellis control-plane} as a real process: it starts, records itself in the state
 * directory, takes {@code trellis apply} from another process's point of view, and on SIGTERM
 * shuts down and removes its state files.
 */
class ControlPlaneCommandTest {
  @TempDir Path config;
  @TempDir Path state;

  static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  @Test
  void runsAsAProcessAndStopsCleanlyOnSigterm() throws Exception {
    Files.writeString(config.resolve("reviews.yaml"), ApplyCommandTest.vs("reviews", "v1"));
    String java = ProcessHandle.current().info().command().orElse("java");
    Path log = state.resolveSibling(state.getFileName() + ".log");
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "--enable-native-access=ALL-UNNAMED",
                    "--sun-misc-unsafe-memory-access=allow",
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.trellis.cli.Main",
                    "control-plane",
                    "--config", config.toString(),
                    "--xds-port", "0",
                    "--api-port", "0",
                    "--monitoring-port", "0",
                    "--state-dir", state.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      StateDirectory dir = new StateDirectory(state);
      await().atMost(Duration.ofSeconds(30)).until(() -> dir.readInfo().isPresent());
      ControlPlaneInfo info = dir.readInfo().orElseThrow();
      assertThat(info.pid()).isEqualTo(p.pid());

      Path ratings = config.resolveSibling(config.getFileName() + "-ratings.yaml");
      Files.writeString(ratings, ApplyCommandTest.vs("ratings", "v2"));
      String[] applied = run("apply", "-f", ratings.toString(), "--state-dir", state.toString());
      assertThat(applied[0]).as(applied[2]).isEqualTo("0");
      assertThat(applied[1]).contains("VirtualService default/ratings applied");

      String[] status = run("proxy-status", "--state-dir", state.toString());
      assertThat(status[0]).isEqualTo("0");
      assertThat(status[1]).startsWith("NAME").contains("CDS").contains("RDS");

      // A second control plane on the same state directory is refused, naming the first.
      String[] second = run("control-plane", "--xds-port", "0", "--monitoring-port", "-1", "--state-dir", state.toString());
      assertThat(second[0]).isEqualTo("1");
      assertThat(second[2]).contains("already uses state directory").contains("pid " + p.pid());

      // The translation was found on the class path (ServiceLoader), and the directory was read.
      String output = Files.readString(log);
      assertThat(output).contains("reviews.yaml: 1 resource(s) in force").doesNotContain("no translation on the class path");

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(state.resolve("control-plane.json")).doesNotExist();
      assertThat(state.resolve("api-token")).doesNotExist();
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aMissingConfigDirectoryIsAClearError() {
    String[] r = run("control-plane", "--config", config.resolve("nope").toString(), "--state-dir", state.toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("--config").contains("nope").contains("not a directory");
  }
}
