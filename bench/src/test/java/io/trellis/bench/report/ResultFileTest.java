package io.trellis.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.bench.proxy.ProxyReport;
import io.trellis.bench.proxy.ProxyRow;
import io.trellis.bench.proxy.TargetSummary;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFileTest {

  @TempDir Path dir;

  @Test
  void writesTheScenarioAndUtcTimestampInTheNameAndEveryRowKey() throws Exception {
    Instant started = Instant.parse("2026-11-21T20:45:07.123Z");
    ProxyRow ok =
        new ProxyRow("nginx", "max-h1-1kb", "ok", 41000.5, 82001L, 1.2, 1.9, 3.1, null, 0.021, 15.2, 0L, 97.5, 99.0, null);
    ProxyRow failed = ProxyRow.failed("trellis", "max-h1-1kb", "`trellis proxy` is not available");
    ProxyReport report =
        new ProxyReport(
            "proxy",
            started.toString(),
            true,
            new Machine(2, "AMD EPYC", "6.1.0", "Linux amd64", "25"),
            Map.of("pinning", "proxy on CPU 0"),
            List.of(new TargetSummary("nginx", "ok", null, 31.0, 14.2, 15.2)),
            List.of(ok, failed));

    Path file = ResultFile.write(dir.resolve("results"), "proxy", started, report);

    assertThat(file.getFileName().toString()).isEqualTo("proxy-20261121T204507Z.json");
    JsonNode json = ResultFile.mapper().readTree(file.toFile());
    assertThat(json.at("/machine/cores").asInt()).isEqualTo(2);
    assertThat(json.at("/machine/cpu_model").asText()).isEqualTo("AMD EPYC");
    JsonNode row = json.at("/rows/0");
    for (String key :
        List.of("name", "load", "rps", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "cpu_s_per_1k", "rss_mb", "errors")) {
      assertThat(row.has(key)).as(key).isTrue();
    }
    assertThat(row.get("rps").asDouble()).isEqualTo(41000.5);
    assertThat(row.get("p999_ms").isNull()).isTrue();
    assertThat(row.get("cpu_s_per_1k").asDouble()).isEqualTo(0.021);
    JsonNode err = json.at("/rows/1");
    assertThat(err.get("status").asText()).isEqualTo("error");
    assertThat(err.get("rps").isNull()).as("a failed row carries no invented figure").isTrue();
    assertThat(err.get("note").asText()).contains("not available");
    assertThat(json.at("/targets/0/start_to_first_200_ms").asDouble()).isEqualTo(31.0);
  }

  @Test
  void machineIsReadFromThisHost() {
    Machine m = Machine.current();
    assertThat(m.cores()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(m.kernel()).isNotBlank();
    assertThat(m.jdk()).startsWith(Integer.toString(Runtime.version().feature()));
  }
}
