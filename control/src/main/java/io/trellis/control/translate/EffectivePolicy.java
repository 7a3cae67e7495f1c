package io.trellis.control.translate;

import io.trellis.api.model.networking.ClientTlsSettings;
import io.trellis.api.model.networking.ConnectionPoolSettings;
import io.trellis.api.model.networking.DestinationRule;
import io.trellis.api.model.networking.LoadBalancerSettings;
import io.trellis.api.model.networking.OutlierDetection;
import io.trellis.api.model.networking.TrafficPolicy;

/**
 * The traffic policy that applies to one cluster (service, port, subset), after Istio's merge
 * rules: start from the DestinationRule's top-level policy; a subset's policy replaces each
 * top-level field it sets (load balancer, connection pool, outlier detection, TLS); then, at
 * each level, a {@code portLevelSettings} entry for the cluster's port replaces the fields it sets.
 * Any field may be {@code null}: nothing configured, Envoy's and Istio's defaults apply.
 */
record EffectivePolicy(
    LoadBalancerSettings loadBalancer,
    ConnectionPoolSettings connectionPool,
    OutlierDetection outlierDetection,
    ClientTlsSettings tls) {

  static final EffectivePolicy NONE = new EffectivePolicy(null, null, null, null);

  /** The policy for {@code port} and {@code subset} ("" for the service's default cluster). */
  static EffectivePolicy of(DestinationRule rule, int port, String subset) {
    if (rule == null) {
      return NONE;
    }
    EffectivePolicy p = atPort(rule.trafficPolicy(), port, NONE);
    if (!subset.isEmpty()) {
      for (DestinationRule.Subset s : rule.subsets()) {
        if (s.name().equals(subset)) {
          p = atPort(s.trafficPolicy(), port, p);
        }
      }
    }
    return p;
  }

  /** {@code base} overlaid with {@code policy}'s top-level fields, then its settings for {@code port}. */
  private static EffectivePolicy atPort(TrafficPolicy policy, int port, EffectivePolicy base) {
    if (policy == null) {
      return base;
    }
    EffectivePolicy p =
        new EffectivePolicy(
            or(policy.loadBalancer(), base.loadBalancer),
            or(policy.connectionPool(), base.connectionPool),
            or(policy.outlierDetection(), base.outlierDetection),
            or(policy.tls(), base.tls));
    for (TrafficPolicy.PortTrafficPolicy pl : policy.portLevelSettings()) {
      if (pl.port() != null && pl.port().number() == port) {
        p =
            new EffectivePolicy(
                or(pl.loadBalancer(), p.loadBalancer),
                or(pl.connectionPool(), p.connectionPool),
                or(pl.outlierDetection(), p.outlierDetection),
                or(pl.tls(), p.tls));
      }
    }
    return p;
  }

  private static <T> T or(T value, T fallback) {
    return value != null ? value : fallback;
  }
}
