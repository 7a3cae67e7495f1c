package io.trellis.proxy.lb;

import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.config.cluster.SlowStart;
import java.util.function.LongSupplier;

/**
 * What, besides membership, shapes a cluster's balancer.
 *
 * @param policy the per-host policy
 * @param overprovisioningFactor percent; a priority takes {@code min(100, factor × healthy / total)}%
 * @param healthyPanicThresholdPercent below this healthy share a priority balances over all its hosts
 * @param localityWeighted choose a locality by weight first
 * @param slowStart ramp-up of new hosts' weights (round robin and least request), or {@code null}
 * @param millis the clock slow start measures hosts' time in the cluster with
 */
public record BalancerSettings(
    LbPolicy policy,
    int overprovisioningFactor,
    double healthyPanicThresholdPercent,
    boolean localityWeighted,
    SlowStart slowStart,
    LongSupplier millis) {

  public BalancerSettings(LbPolicy policy, int overprovisioningFactor, double healthyPanicThresholdPercent, boolean localityWeighted) {
    this(policy, overprovisioningFactor, healthyPanicThresholdPercent, localityWeighted, null, System::currentTimeMillis);
  }
}
