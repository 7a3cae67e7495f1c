package io.trellis.proxy.lb;

import com.google.common.hash.Hashing;
import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Consistent hashing on a ring (Ketama): each host owns points in proportion to its weight, placed by
 * hashing {@code "address_i"}; a request goes to the owner of the first point at or after its hash.
 * Because points depend only on the host itself, removing one of N hosts moves only that host's keys.
 *
 * <p>The ring size follows Envoy's bounds: the lightest host gets at least
 * {@code minimum_ring_size × its share} points (rounded up to a power of two, unlike Envoy, so that
 * small membership changes do not reshuffle the other hosts' points), and the ring is capped at
 * {@code maximum_ring_size}.
 */
final class RingHashPicker implements HostPicker {
  private final long[] points; // sorted, compared as unsigned
  private final Host[] owners;
  private final RandomGenerator random;

  RingHashPicker(List<Host> hosts, LbPolicy.RingHash config, RandomGenerator random) {
    this.random = random;
    double total = 0;
    double minWeight = Double.MAX_VALUE;
    for (Host h : hosts) {
      total += h.weight();
      minWeight = Math.min(minWeight, h.weight());
    }
    // Points of the lightest host: enough for the ring to reach minimum_ring_size (Envoy's rule),
    // rounded up to a power of two so that membership changes usually leave every other host's
    // points exactly as they were: then only the keys of an added or removed host move.
    long lightest = Long.highestOneBit(Math.max(1, (long) Math.ceil(config.minimumRingSize() * minWeight / total)) * 2 - 1);
    double perWeight = lightest / minWeight;
    if (perWeight * total > config.maximumRingSize()) {
      perWeight = config.maximumRingSize() / total;
    }
    int size = 0;
    long[] counts = new long[hosts.size()];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = Math.max(1, Math.round(perWeight * hosts.get(i).weight()));
      size += (int) counts[i];
    }
    long[] entries = new long[size]; // hash, then index in the upper bits of a parallel sort
    int[] owner = new int[size];
    int k = 0;
    for (int i = 0; i < counts.length; i++) {
      String key = hostKey(hosts.get(i));
      for (long j = 0; j < counts[i]; j++) {
        entries[k] = Hashing.farmHashFingerprint64().hashString(key + "_" + j, StandardCharsets.UTF_8).asLong();
        owner[k] = i;
        k++;
      }
    }
    Integer[] order = new Integer[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> {
      int c = Long.compareUnsigned(entries[a], entries[b]);
      return c != 0 ? c : Integer.compare(owner[a], owner[b]);
    });
    points = new long[size];
    owners = new Host[size];
    for (int i = 0; i < size; i++) {
      points[i] = entries[order[i]];
      owners[i] = hosts.get(owner[order[i]]);
    }
  }

  /** Ring points in total (for tests and the admin page). */
  int size() {
    return points.length;
  }

  @Override
  public Host pick(LoadBalancerContext context, int attempt) {
    long h = HostPicker.requestHash(context, attempt, random);
    int lo = 0;
    int hi = points.length; // first point >= h, unsigned
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(points[mid], h) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return owners[lo == points.length ? 0 : lo];
  }

  static String hostKey(Host h) {
    return h.address().getHostString() + ":" + h.address().getPort();
  }
}
