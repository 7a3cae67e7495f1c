package io.trellis.bench.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine a run happened on, read from the running JVM and Linux's /proc. */
public record Machine(
    @JsonProperty("cores") int cores,
    @JsonProperty("cpu_model") String cpuModel,
    @JsonProperty("kernel") String kernel,
    @JsonProperty("os") String os,
    @JsonProperty("jdk") String jdk) {

  public static Machine current() {
    return new Machine(
        Runtime.getRuntime().availableProcessors(),
        cpuModel(Path.of("/proc/cpuinfo")),
        firstLine(Path.of("/proc/sys/kernel/osrelease"), System.getProperty("os.version")),
        System.getProperty("os.name") + " " + System.getProperty("os.arch"),
        Runtime.version() + " (" + System.getProperty("java.vendor") + ")");
  }

  static String cpuModel(Path cpuinfo) {
    try {
      return Files.readAllLines(cpuinfo).stream()
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).strip())
          .findFirst()
          .orElse("unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static String firstLine(Path file, String fallback) {
    try {
      return Files.readAllLines(file).getFirst().strip();
    } catch (IOException | RuntimeException e) {
      return fallback;
    }
  }

  /** One line for the top of a table. */
  public String describe() {
    return cores + " cores, " + cpuModel + ", Linux " + kernel + ", JDK " + jdk;
  }
}
