package io.trellis.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * h2load's {@code --log-file}: one line per request, tab-separated: start time (µs since the
 * epoch), HTTP status, and µs from the start to the end of the response. Percentiles computed
 * here are exact, over every request, rather than read off a histogram.
 */
public final class H2loadRequestLog {

  private H2loadRequestLog() {}

  public static long[] durationsMicros(Path log) throws IOException, ToolOutputException {
    try (Stream<String> lines = Files.lines(log)) {
      return durationsMicros(lines);
    }
  }

  static long[] durationsMicros(Stream<String> lines) throws ToolOutputException {
    long[] out = new long[1024];
    int n = 0;
    int lineNo = 0;
    for (String line : (Iterable<String>) lines::iterator) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t");
      if (f.length < 3) {
        throw new ToolOutputException("h2load log line " + lineNo + ": expected 3 tab-separated fields: " + line);
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      try {
        out[n++] = Long.parseLong(f[2].strip());
      } catch (NumberFormatException e) {
        throw new ToolOutputException("h2load log line " + lineNo + ": duration '" + f[2] + "' is not a number");
      }
    }
    return Arrays.copyOf(out, n);
  }
}
