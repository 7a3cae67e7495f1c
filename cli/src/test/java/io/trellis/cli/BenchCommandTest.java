package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BenchCommandTest {

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void benchWithoutAScenarioPrintsUsage() {
    Run r = run("bench");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: trellis bench", "proxy", "control-plane");
  }

  @Test
  void proxyHelpListsItsOptions() {
    Run r = run("bench", "proxy", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--quick", "--out", "--targets", "--duration");
  }

  @Test
  void controlPlaneHelpListsItsOptions() {
    Run r = run("bench", "control-plane", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--services", "--proxies", "--quick", "--out");
  }

  @Test
  void aNonPositiveProxyCountIsRejected() {
    Run r = run("bench", "control-plane", "--proxies", "0", "--out", dir.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("proxies: 0 (expected: at least 1)");
  }

  @Test
  void anUnknownTargetIsRejectedWithTheChoices() {
    Run r = run("bench", "proxy", "--targets", "envoy", "--out", dir.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("'envoy'", "direct", "haproxy");
  }

  /** A real, short run of the direct row: nginx origin, wrk and h2load, JSON written. */
  @Test
  void aDirectRunWritesItsJson() throws Exception {
    Run r = run("bench", "proxy", "--targets", "direct", "--duration", "1", "--warmup", "1", "--out", dir.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("direct", "max-h1-1kb", "results: ");
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.toList();
    }
    assertThat(files).hasSize(1);
    assertThat(files.getFirst().getFileName().toString()).matches("proxy-\\d{8}T\\d{6}Z\\.json");
    JsonNode json = new ObjectMapper().readTree(files.getFirst().toFile());
    assertThat(json.at("/rows")).hasSize(6);
    for (JsonNode row : json.at("/rows")) {
      assertThat(row.get("name").asText()).isEqualTo("direct");
      assertThat(row.get("status").asText()).as(row.toString()).isEqualTo("ok");
      assertThat(row.get("rps").asDouble()).as(row.toString()).isPositive();
      assertThat(row.get("errors").asLong()).isZero();
    }
  }
}
