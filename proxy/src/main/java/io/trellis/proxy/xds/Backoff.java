package io.trellis.proxy.xds;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential back-off with jitter for reconnecting to the control plane: the cap doubles from
 * {@code initial} to {@code max} with each failed attempt and each delay is drawn from the upper half
 * of the cap, so a fleet of proxies that lost the same server does not reconnect in lock step.
 * Not thread-safe; the ADS client uses it from its own executor only.
 */
public final class Backoff {
  /** Envoy's defaults for the xDS gRPC stream: 500 ms doubling to 30 s. */
  public static final Duration DEFAULT_INITIAL = Duration.ofMillis(500);

  public static final Duration DEFAULT_MAX = Duration.ofSeconds(30);

  private final long initialMillis;
  private final long maxMillis;
  private final RandomGenerator random;
  private int attempts;

  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial: " + initial + " (expected: > 0)");
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= initial " + initial + ")");
    }
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
    this.random = random;
  }

  /** The delay before the next attempt; each call counts one more failure. */
  public Duration nextDelay() {
    long cap = initialMillis << Math.min(attempts, 30);
    if (cap <= 0 || cap > maxMillis) {
      cap = maxMillis;
    }
    attempts++;
    long half = cap / 2;
    return Duration.ofMillis(half + random.nextLong(cap - half + 1));
  }

  /** Forgets past failures, after a connection proved healthy (a response arrived). */
  public void reset() {
    attempts = 0;
  }
}
