package io.trellis.proxy.lb;

import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Power of N choices: draw {@code choice_count} candidates and keep the one with the fewest active
 * requests (the first drawn on a tie).
 *
 * <p>With unequal weights the candidates are drawn in proportion to weight, so an idle cluster is
 * loaded by weight and a busy one by weight and load together. {@code active_request_bias} 0 turns
 * load awareness off (a weighted random pick); any positive bias compares active requests, since
 * Envoy's {@code (active + 1) ^ bias} preserves that order between candidates. This differs from
 * Envoy, which rebuilds a per-worker EDF schedule with {@code weight / (active + 1) ^ bias}: that
 * needs mutable per-thread state, and this keeps the pick O(1) and shared.
 */
final class LeastRequestPicker implements HostPicker {
  private final Host[] hosts;
  private final AliasTable weighted;
  private final int choiceCount;
  private final boolean loadAware;
  private final RandomGenerator random;

  LeastRequestPicker(List<Host> hosts, LbPolicy.LeastRequest config, RandomGenerator random) {
    this.hosts = hosts.toArray(Host[]::new);
    this.random = random;
    this.choiceCount = config.choiceCount();
    boolean equal = HostPicker.equalWeights(hosts);
    this.weighted = equal ? null : new AliasTable(RandomPicker.weightsOf(this.hosts));
    this.loadAware = equal || config.activeRequestBias() > 0;
  }

  @Override
  public Host pick(LoadBalancerContext context, int attempt) {
    Host best = draw();
    if (!loadAware || hosts.length == 1) {
      return best;
    }
    int bestActive = best.activeRequests();
    for (int c = 1; c < choiceCount; c++) {
      Host candidate = draw();
      int active = candidate.activeRequests();
      if (active < bestActive) {
        best = candidate;
        bestActive = active;
      }
    }
    return best;
  }

  private Host draw() {
    return hosts[weighted == null ? random.nextInt(hosts.length) : weighted.draw(random)];
  }
}
