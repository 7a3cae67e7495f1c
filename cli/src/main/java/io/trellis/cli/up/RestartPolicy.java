package io.trellis.cli.up;

import java.time.Duration;

/**
 * Exponential back-off between restarts of a crashed process, as the kubelet does for a
 * crash-looping container: {@code initial}, doubled per consecutive crash up to {@code max}; a
 * process that ran at least {@code resetAfter} starts over at {@code initial}.
 */
record RestartPolicy(Duration initial, Duration max, Duration resetAfter) {
  static final RestartPolicy DEFAULT = new RestartPolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(10));

  /** The delay before restart number {@code consecutive} (1 for the first crash in a row). */
  Duration delay(int consecutive) {
    long ms = initial.toMillis();
    for (int i = 1; i < consecutive && ms < max.toMillis(); i++) {
      ms *= 2;
    }
    return Duration.ofMillis(Math.min(ms, max.toMillis()));
  }
}
