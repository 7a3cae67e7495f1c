package io.trellis.proxy.lb;

import io.trellis.proxy.config.cluster.LbPolicy;

/**
 * What, besides membership, shapes a cluster's balancer.
 *
 * @param policy the per-host policy
 * @param overprovisioningFactor percent; a priority takes {@code min(100, factor × healthy / total)}%
 * @param healthyPanicThresholdPercent below this healthy share a priority balances over all its hosts
 * @param localityWeighted choose a locality by weight first
 */
public record BalancerSettings(
    LbPolicy policy, int overprovisioningFactor, double healthyPanicThresholdPercent, boolean localityWeighted) {}
