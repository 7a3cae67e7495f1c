package io.trellis.bench.load;

import java.util.Arrays;

/**
 * Latency percentiles in milliseconds. A percentile the tool cannot report (wrk has no p99.9) is
 * {@code null}, never a guess.
 */
public record Latency(Double p50Ms, Double p90Ms, Double p99Ms, Double p999Ms) {

  public static final Latency NONE = new Latency(null, null, null, null);

  /** Nearest-rank percentiles of request durations given in microseconds. */
  public static Latency ofMicros(long[] durationsMicros) {
    if (durationsMicros.length == 0) {
      return NONE;
    }
    long[] sorted = durationsMicros.clone();
    Arrays.sort(sorted);
    return new Latency(
        rank(sorted, 0.50), rank(sorted, 0.90), rank(sorted, 0.99), rank(sorted, 0.999));
  }

  private static double rank(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1000.0;
  }
}
