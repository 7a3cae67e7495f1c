package io.trellis.cli.e2e;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures how long a change takes to reach traffic: from the moment the change was made until a
 * request first lands on its new destination. Requests are sent back to back (a few milliseconds
 * apart), so the figure is within one request's time of the truth.
 */
final class Convergence {
  private Convergence() {}

  /**
   * Sends {@code probe} until it answers {@code expected}, at most {@code limit} after {@code
   * changedAtNanos}; returns the time from the change to the first such answer.
   */
  static Duration await(String what, long changedAtNanos, Duration limit, Callable<String> probe, String expected) {
    AtomicLong landedAt = new AtomicLong();
    org.awaitility.Awaitility.await(what)
        .atMost(limit)
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .ignoreExceptions()
        .until(() -> {
          if (expected.equals(probe.call())) {
            landedAt.set(System.nanoTime());
            return true;
          }
          return false;
        });
    return Duration.ofNanos(landedAt.get() - changedAtNanos);
  }
}
