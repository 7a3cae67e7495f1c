package io.trellis.proxy.lb;

import com.google.common.hash.Hashing;
import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Maglev consistent hashing: a prime-sized lookup table filled by each host's own permutation
 * ({@code offset + j × skip mod M}), hosts taking turns in proportion to weight, so a pick is one
 * array read and removing a host disturbs few entries beyond its own.
 */
final class MaglevPicker implements HostPicker {
  private final Host[] table;
  private final RandomGenerator random;

  MaglevPicker(List<Host> hosts, LbPolicy.Maglev config, RandomGenerator random) {
    this.random = random;
    int m = (int) config.tableSize();
    int n = hosts.size();
    long[] offset = new long[n];
    long[] skip = new long[n];
    long[] next = new long[n];
    long[] target = new long[n];
    long maxWeight = 1;
    for (int i = 0; i < n; i++) {
      String key = RingHashPicker.hostKey(hosts.get(i));
      long h1 = Hashing.farmHashFingerprint64().hashString(key, StandardCharsets.UTF_8).asLong();
      long h2 = Hashing.farmHashFingerprint64().hashString(key + "#skip", StandardCharsets.UTF_8).asLong();
      offset[i] = Long.remainderUnsigned(h1, m);
      skip[i] = Long.remainderUnsigned(h2, m - 1) + 1;
      maxWeight = Math.max(maxWeight, hosts.get(i).weight());
    }
    table = new Host[m];
    int filled = 0;
    for (long iteration = 1; filled < m; iteration++) {
      for (int i = 0; i < n && filled < m; i++) {
        // A host of the largest weight fills an entry every iteration; one of a third of it, every third.
        if (iteration * hosts.get(i).weight() < target[i]) {
          continue;
        }
        target[i] += maxWeight;
        int c = (int) ((offset[i] + skip[i] * next[i]) % m);
        while (table[c] != null) {
          next[i]++;
          c = (int) ((offset[i] + skip[i] * next[i]) % m);
        }
        table[c] = hosts.get(i);
        next[i]++;
        filled++;
      }
    }
  }

  @Override
  public Host pick(LoadBalancerContext context, int attempt) {
    long h = HostPicker.requestHash(context, attempt, random);
    return table[(int) Long.remainderUnsigned(h, table.length)];
  }
}
