package io.trellis.bench.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trellis.bench.report.ResultFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneBenchmarkTest {

  @TempDir Path dir;

  /** A launcher without the control-plane command: every phase is an error with the launcher's words. */
  @Test
  void aControlPlaneThatIsNotThereIsReportedNotInvented() throws Exception {
    Path launcher = dir.resolve("trellis");
    Files.writeString(launcher, "#!/bin/sh\necho \"Unmatched argument at index 0: '$1'\" >&2\nexit 2\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    ControlPlaneOptions options = ControlPlaneOptions.defaults(true, dir.resolve("results"), launcher, 3, 4);
    ByteArrayOutputStream progress = new ByteArrayOutputStream();

    ControlPlaneBenchmark.Outcome outcome =
        new ControlPlaneBenchmark(options, new PrintStream(progress, true), Clock.systemUTC()).run();

    assertThat(outcome.file()).exists();
    JsonNode json = ResultFile.mapper().readTree(outcome.file().toFile());
    assertThat(json.at("/rows")).hasSize(6); // sotw and delta, three phases each
    for (JsonNode row : json.at("/rows")) {
      assertThat(row.get("status").asText()).isEqualTo("error");
      assertThat(row.get("note").asText()).contains("`trellis control-plane` is not available", "Unmatched argument");
      assertThat(row.get("p99_ms").isNull()).isTrue();
      assertThat(row.get("services").asInt()).isEqualTo(3);
      assertThat(row.get("proxies").asInt()).isEqualTo(4);
    }
    assertThat(outcome.table()).contains("vs-change", "error");
  }
}
