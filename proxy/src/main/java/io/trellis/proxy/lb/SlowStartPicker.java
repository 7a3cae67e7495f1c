package io.trellis.proxy.lb;

import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.config.cluster.SlowStart;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * Round robin or least request while some host is in its slow-start window: each host's weight is
 * scaled by {@link SlowStart#factor} of its time in the cluster, recomputed on every pick, and hosts
 * are drawn in proportion to those weights (least request then keeps the candidate with the fewest
 * active requests). Once the newest host has left its window every pick goes straight to the
 * policy's own picker, so a settled cluster pays one clock read per pick.
 *
 * <p>Envoy ramps round robin with a deterministic schedule; during the window this draws at random
 * with the same proportions, which a schedule rebuilt as weights move would only approximate too.
 */
final class SlowStartPicker implements HostPicker {
  private final Host[] hosts;
  private final HostPicker settled;
  private final SlowStart slowStart;
  private final LongSupplier millis;
  private final RandomGenerator random;
  private final int choiceCount;
  private final long windowEnd;

  private SlowStartPicker(List<Host> hosts, HostPicker settled, SlowStart slowStart, LongSupplier millis,
      RandomGenerator random, int choiceCount) {
    this.hosts = hosts.toArray(Host[]::new);
    this.settled = settled;
    this.slowStart = slowStart;
    this.millis = millis;
    this.random = random;
    this.choiceCount = choiceCount;
    long newest = Long.MIN_VALUE;
    for (Host h : this.hosts) {
      newest = Math.max(newest, h.joinedMillis());
    }
    this.windowEnd = newest == Long.MIN_VALUE ? Long.MIN_VALUE : newest + slowStart.window().toMillis();
  }

  /** {@code settled} wrapped when the policy ramps and some host is still in its window, else itself. */
  static HostPicker wrap(HostPicker settled, LbPolicy policy, List<Host> hosts, SlowStart slowStart, LongSupplier millis,
      RandomGenerator random) {
    int choices =
        switch (policy) {
          case LbPolicy.RoundRobin rr -> 1;
          case LbPolicy.LeastRequest lr -> lr.choiceCount();
          default -> 0;
        };
    if (slowStart == null || choices == 0) {
      return settled;
    }
    SlowStartPicker p = new SlowStartPicker(hosts, settled, slowStart, millis, random, choices);
    return p.windowEnd > millis.getAsLong() ? p : settled;
  }

  @Override
  public Host pick(LoadBalancerContext context, int attempt) {
    long now = millis.getAsLong();
    if (now >= windowEnd) {
      return settled.pick(context, attempt);
    }
    double[] cumulative = new double[hosts.length];
    double total = 0;
    for (int i = 0; i < hosts.length; i++) {
      long joined = hosts[i].joinedMillis();
      double factor = joined == Long.MIN_VALUE ? 1.0 : slowStart.factor(now - joined);
      total += hosts[i].weight() * factor;
      cumulative[i] = total;
    }
    Host best = draw(cumulative, total);
    for (int c = 1; c < choiceCount; c++) {
      Host candidate = draw(cumulative, total);
      if (candidate.activeRequests() < best.activeRequests()) {
        best = candidate;
      }
    }
    return best;
  }

  private Host draw(double[] cumulative, double total) {
    double x = random.nextDouble() * total;
    for (int i = 0; i < cumulative.length; i++) {
      if (x < cumulative[i]) {
        return hosts[i];
      }
    }
    return hosts[hosts.length - 1];
  }
}
