package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LogsCommandTest {
  @TempDir Path state;

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
  void printsAPodsAppOrSidecarLogByNameOrUniquePrefix() throws Exception {
    Path logs = Files.createDirectories(state.resolve("logs"));
    Files.writeString(logs.resolve("reviews-v1-aaaa-0.log"), "app says hi\n");
    Files.writeString(logs.resolve("reviews-v1-aaaa-0.sidecar.log"), "proxy says hi\n");
    Files.writeString(logs.resolve("reviews-v2-bbbb-0.log"), "v2\n");
    assertThat(run("logs", "reviews-v1", "--state-dir", state.toString())[1]).isEqualTo("app says hi\n");
    assertThat(run("logs", "reviews-v1-aaaa-0", "--sidecar", "--state-dir", state.toString())[1]).isEqualTo("proxy says hi\n");
    String[] ambiguous = run("logs", "reviews", "--state-dir", state.toString());
    assertThat(ambiguous[0]).isEqualTo("1");
    assertThat(ambiguous[2]).contains("reviews matches several pods: reviews-v1-aaaa-0, reviews-v2-bbbb-0");
    assertThat(run("logs", "ratings", "--state-dir", state.toString())[2]).contains("no pod named ratings");
    assertThat(run("logs", "reviews-v2", "--sidecar", "--state-dir", state.toString())[2]).contains("has no sidecar log");
  }
}
