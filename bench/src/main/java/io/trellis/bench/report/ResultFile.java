package io.trellis.bench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Writes a run's report as {@code <dir>/<scenario>-<UTC timestamp>.json}. */
public final class ResultFile {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ResultFile() {}

  public static Path fileName(Path dir, String scenario, Instant started) {
    return dir.resolve(scenario + "-" + STAMP.format(started) + ".json");
  }

  public static Path write(Path dir, String scenario, Instant started, Object report) throws IOException {
    Files.createDirectories(dir);
    Path file = fileName(dir, scenario, started);
    Files.writeString(file, JSON.writeValueAsString(report) + "\n");
    return file;
  }

  public static ObjectMapper mapper() {
    return JSON;
  }
}
