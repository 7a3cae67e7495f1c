package io.trellis.proxy.lb;

import java.util.PriorityQueue;

/**
 * A smooth weighted round-robin sequence, computed once: over one period every index appears exactly
 * in proportion to its weight, interleaved by earliest deadline first (index {@code i}'s k-th turn is
 * due at {@code k / weight[i]}), so a heavy host's turns are spread out rather than bunched.
 *
 * <p>Weights are first divided by their greatest common divisor. When the period would still exceed
 * {@link #MAX_PERIOD}, weights are scaled down to fit (each stays at least 1), which keeps
 * proportions within {@code n / MAX_PERIOD} of exact.
 */
final class WeightedSchedule {
  static final int MAX_PERIOD = 1 << 16;

  private WeightedSchedule() {}

  /** The sequence of indices for one period. */
  static int[] build(long[] weights) {
    int n = weights.length;
    long[] w = reduce(weights);
    long total = 0;
    for (long x : w) {
      total += x;
    }
    int[] out = new int[(int) total];
    long[] turn = new long[n]; // turns already given
    // Deadline of index i's next turn is (turn[i] + 1) / w[i]; compare fractions exactly.
    PriorityQueue<Integer> due = new PriorityQueue<>(Math.max(1, n), (a, b) -> {
      int c = Long.compare((turn[a] + 1) * w[b], (turn[b] + 1) * w[a]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    for (int i = 0; i < n; i++) {
      due.add(i);
    }
    for (int k = 0; k < out.length; k++) {
      int i = due.poll();
      out[k] = i;
      turn[i]++;
      if (turn[i] < w[i]) {
        due.add(i);
      }
    }
    return out;
  }

  private static long[] reduce(long[] weights) {
    long g = 0;
    long total = 0;
    for (long x : weights) {
      if (x < 1) {
        throw new IllegalArgumentException("weight: " + x + " (expected: >= 1)");
      }
      g = gcd(g, x);
      total += x;
    }
    long[] w = new long[weights.length];
    long reducedTotal = total / g;
    double scale = reducedTotal > MAX_PERIOD ? (double) (MAX_PERIOD - weights.length) / reducedTotal : 1.0;
    for (int i = 0; i < w.length; i++) {
      w[i] = scale == 1.0 ? weights[i] / g : Math.max(1, Math.round(weights[i] / g * scale));
    }
    return w;
  }

  private static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
