package io.trellis.api.validate;

import java.time.Duration;

/** Istio's rule for most durations: at least 1ms, with millisecond precision. */
final class Durations {

  private Durations() {}

  static void check(Duration d, String path, Findings findings) {
    if (d == null) {
      return;
    }
    if (d.compareTo(Duration.ofMillis(1)) < 0) {
      findings.error(path, "duration must be at least 1ms", ">= 1ms");
    } else if (d.getNano() % 1_000_000 != 0) {
      findings.error(path, "only durations to ms precision are supported");
    }
  }
}
