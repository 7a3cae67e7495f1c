package io.trellis.proxy.lb;

import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.util.List;
import java.util.random.RandomGenerator;

/** One policy's choice among a fixed, non-empty list of hosts (one priority, possibly one locality). */
interface HostPicker {

  /**
   * Picks a host. {@code attempt} is 0 for the first pick of a request and counts up while the caller
   * re-picks to avoid excluded hosts; hash-based pickers use it to move away from the first choice.
   */
  Host pick(LoadBalancerContext context, int attempt);

  /** The policy's picker, ramping new hosts' weights while they are in their slow-start window. */
  static HostPicker create(BalancerSettings settings, List<Host> hosts, RandomGenerator random) {
    HostPicker settled = create(settings.policy(), hosts, random);
    return SlowStartPicker.wrap(settled, settings.policy(), hosts, settings.slowStart(), settings.millis(), random);
  }

  static HostPicker create(LbPolicy policy, List<Host> hosts, RandomGenerator random) {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("hosts: [] (expected: at least one host)");
    }
    return switch (policy) {
      case LbPolicy.RoundRobin rr -> new RoundRobinPicker(hosts, random);
      case LbPolicy.LeastRequest lr -> new LeastRequestPicker(hosts, lr, random);
      case LbPolicy.Random r -> new RandomPicker(hosts, random);
      case LbPolicy.RingHash rh -> new RingHashPicker(hosts, rh, random);
      case LbPolicy.Maglev m -> new MaglevPicker(hosts, m, random);
    };
  }

  /** The hash a hash-based pick uses: the request's, or a random one; re-mixed on later attempts. */
  static long requestHash(LoadBalancerContext context, int attempt, RandomGenerator random) {
    long h = context.hash() != null ? context.hash() : random.nextLong();
    return attempt == 0 ? h : mix(h + attempt);
  }

  /** A 64-bit finalizer (SplitMix64), spreading nearby inputs over the whole range. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  static boolean equalWeights(List<Host> hosts) {
    int w = hosts.getFirst().weight();
    for (Host h : hosts) {
      if (h.weight() != w) {
        return false;
      }
    }
    return true;
  }
}
