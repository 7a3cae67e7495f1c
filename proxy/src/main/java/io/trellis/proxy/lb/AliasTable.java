package io.trellis.proxy.lb;

import java.util.random.RandomGenerator;

/** Walker's alias method: an O(1) draw of an index with probability proportional to its weight. */
final class AliasTable {
  private final double[] probability;
  private final int[] alias;

  AliasTable(long[] weights) {
    int n = weights.length;
    probability = new double[n];
    alias = new int[n];
    double total = 0;
    for (long w : weights) {
      total += w;
    }
    double[] scaled = new double[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int s = 0;
    int l = 0;
    for (int i = 0; i < n; i++) {
      scaled[i] = weights[i] * n / total;
      if (scaled[i] < 1.0) {
        small[s++] = i;
      } else {
        large[l++] = i;
      }
    }
    while (s > 0 && l > 0) {
      int lo = small[--s];
      int hi = large[--l];
      probability[lo] = scaled[lo];
      alias[lo] = hi;
      scaled[hi] = scaled[hi] + scaled[lo] - 1.0;
      if (scaled[hi] < 1.0) {
        small[s++] = hi;
      } else {
        large[l++] = hi;
      }
    }
    while (l > 0) {
      probability[large[--l]] = 1.0;
    }
    while (s > 0) {
      probability[small[--s]] = 1.0; // rounding leftovers
    }
  }

  int draw(RandomGenerator random) {
    int i = random.nextInt(probability.length);
    return random.nextDouble() < probability[i] ? i : alias[i];
  }
}
