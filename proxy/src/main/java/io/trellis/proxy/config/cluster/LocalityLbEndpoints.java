package io.trellis.proxy.config.cluster;

import io.trellis.proxy.upstream.Host.Locality;
import java.util.List;
import java.util.Objects;

/**
 * The endpoints of one locality at one priority (Envoy's {@code LocalityLbEndpoints}).
 *
 * @param locality region/zone/sub-zone, {@link Locality#NONE} when unset
 * @param endpoints the locality's endpoints
 * @param loadBalancingWeight {@code load_balancing_weight}: the locality's share under locality-weighted
 *     load balancing; 0 means unset (such a locality then gets no traffic, as in Envoy)
 * @param priority 0 is the highest; 0..128
 */
public record LocalityLbEndpoints(Locality locality, List<LbEndpoint> endpoints, int loadBalancingWeight, int priority) {
  public static final int MAX_PRIORITY = 128;

  public LocalityLbEndpoints {
    Objects.requireNonNull(locality, "locality");
    endpoints = List.copyOf(endpoints);
    if (loadBalancingWeight < 0) {
      throw new IllegalArgumentException("load_balancing_weight: " + loadBalancingWeight + " (expected: >= 0, 0 is unset)");
    }
    if (priority < 0 || priority > MAX_PRIORITY) {
      throw new IllegalArgumentException("priority: " + priority + " (expected: 0.." + MAX_PRIORITY + ")");
    }
  }

  /** Endpoints without a locality, at priority 0. */
  public static LocalityLbEndpoints of(List<LbEndpoint> endpoints) {
    return new LocalityLbEndpoints(Locality.NONE, endpoints, 0, 0);
  }
}
