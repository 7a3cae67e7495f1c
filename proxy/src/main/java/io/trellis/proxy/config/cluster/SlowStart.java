package io.trellis.proxy.config.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * Envoy's {@code slow_start_config} of a round-robin or least-request cluster: a host that joined
 * less than {@code window} ago gets {@code weight × max(minWeightPercent / 100, timeFactor ^ (1 /
 * aggression))} of its weight, where {@code timeFactor = max(seconds since it joined, 1) / window
 * seconds}, so traffic to a new (cold) endpoint ramps up instead of arriving all at once.
 *
 * @param window {@code slow_start_window}, positive
 * @param aggression {@code aggression}, default 1.0 (linear); above 1 ramps faster at first
 * @param minWeightPercent {@code min_weight_percent}, default 10
 */
public record SlowStart(Duration window, double aggression, double minWeightPercent) {
  public static final double DEFAULT_AGGRESSION = 1.0;
  public static final double DEFAULT_MIN_WEIGHT_PERCENT = 10.0;

  public SlowStart {
    Objects.requireNonNull(window, "slow_start_window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("slow_start_window: " + window + " (expected: positive)");
    }
    if (!(aggression > 0) || Double.isInfinite(aggression)) {
      throw new IllegalArgumentException("aggression: " + aggression + " (expected: finite, > 0)");
    }
    if (!(minWeightPercent >= 0 && minWeightPercent <= 100)) {
      throw new IllegalArgumentException("min_weight_percent: " + minWeightPercent + " (expected: 0..100)");
    }
  }

  /** The share of its weight a host that joined {@code sinceMillis} ago gets: 1 once out of the window. */
  public double factor(long sinceMillis) {
    long windowMillis = window.toMillis();
    if (sinceMillis >= windowMillis) {
      return 1.0;
    }
    double timeFactor = Math.max(sinceMillis, 1000L) / (double) windowMillis;
    double ramp = Math.pow(Math.min(timeFactor, 1.0), 1.0 / aggression);
    return Math.max(minWeightPercent / 100.0, ramp);
  }
}
