package io.trellis.proxy.router;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Envoy's fully jittered exponential back-off: before retry {@code n} (1-based) the router waits a
 * uniformly random time in {@code [0, min((2^n - 1) * base, max))}, so that clients failing together
 * do not retry together.
 */
final class RetryBackOff {
  private final long baseNanos;
  private final long maxNanos;
  private final RandomGenerator random;

  RetryBackOff(Duration base, Duration max, RandomGenerator random) {
    this.baseNanos = base.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /** The upper bound (exclusive) of the wait before retry {@code n}. */
  long boundNanos(int n) {
    int shift = Math.min(n, 62);
    long factor = (1L << shift) - 1;
    long bound = factor > Long.MAX_VALUE / baseNanos ? Long.MAX_VALUE : factor * baseNanos;
    return Math.min(bound, maxNanos);
  }

  /** The wait before retry {@code n}, in nanoseconds. */
  long delayNanos(int n) {
    long bound = boundNanos(n);
    return bound <= 0 ? 0 : random.nextLong(bound);
  }
}
