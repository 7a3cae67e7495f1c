package io.trellis.proxy.lb;

import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Weighted round robin over a precomputed smooth schedule; the shared cursor is the only mutable
 * state (one atomic increment per pick). It starts at a random position so that proxies started
 * together do not all hit the same host first.
 */
final class RoundRobinPicker implements HostPicker {
  private final Host[] hosts;
  private final int[] schedule;
  private final AtomicInteger cursor;

  RoundRobinPicker(List<Host> hosts, RandomGenerator random) {
    this.hosts = hosts.toArray(Host[]::new);
    if (HostPicker.equalWeights(hosts)) {
      schedule = null;
    } else {
      long[] weights = new long[this.hosts.length];
      for (int i = 0; i < weights.length; i++) {
        weights[i] = this.hosts[i].weight();
      }
      schedule = WeightedSchedule.build(weights);
    }
    cursor = new AtomicInteger(random.nextInt(schedule == null ? this.hosts.length : schedule.length));
  }

  @Override
  public Host pick(LoadBalancerContext context, int attempt) {
    int i = cursor.getAndIncrement();
    if (schedule == null) {
      return hosts[Math.floorMod(i, hosts.length)];
    }
    return hosts[schedule[Math.floorMod(i, schedule.length)]];
  }
}
