package io.trellis.proxy.lb;

import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.util.List;
import java.util.random.RandomGenerator;

/** A random host: uniform when weights are equal, otherwise in proportion to weight. */
final class RandomPicker implements HostPicker {
  private final Host[] hosts;
  private final AliasTable weighted;
  private final RandomGenerator random;

  RandomPicker(List<Host> hosts, RandomGenerator random) {
    this.hosts = hosts.toArray(Host[]::new);
    this.random = random;
    this.weighted = HostPicker.equalWeights(hosts) ? null : new AliasTable(weightsOf(this.hosts));
  }

  @Override
  public Host pick(LoadBalancerContext context, int attempt) {
    return hosts[weighted == null ? random.nextInt(hosts.length) : weighted.draw(random)];
  }

  static long[] weightsOf(Host[] hosts) {
    long[] w = new long[hosts.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = hosts[i].weight();
    }
    return w;
  }
}
