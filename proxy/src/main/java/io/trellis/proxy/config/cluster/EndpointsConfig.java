package io.trellis.proxy.config.cluster;

import java.util.List;

/**
 * A cluster's endpoints (Envoy's {@code ClusterLoadAssignment}), from EDS or inline.
 *
 * @param clusterName {@code cluster_name}: the cluster, or for EDS its service name
 * @param localities endpoints grouped by locality and priority
 * @param overprovisioningFactor {@code policy.overprovisioning_factor} in percent, default 140: a
 *     priority whose healthy share times this factor is at least 100% takes all the traffic
 */
public record EndpointsConfig(String clusterName, List<LocalityLbEndpoints> localities, int overprovisioningFactor) {
  public static final int DEFAULT_OVERPROVISIONING_FACTOR = 140;

  public EndpointsConfig {
    if (clusterName == null || clusterName.isEmpty()) {
      throw new IllegalArgumentException("cluster_name: '" + clusterName + "' (expected: non-empty)");
    }
    localities = List.copyOf(localities);
    if (overprovisioningFactor < 1) {
      throw new IllegalArgumentException(
          "policy.overprovisioning_factor: " + overprovisioningFactor + " (expected: >= 1)");
    }
  }

  /** The given localities with the default overprovisioning factor. */
  public static EndpointsConfig of(String clusterName, List<LocalityLbEndpoints> localities) {
    return new EndpointsConfig(clusterName, localities, DEFAULT_OVERPROVISIONING_FACTOR);
  }

  /** No endpoints at all. */
  public static EndpointsConfig empty(String clusterName) {
    return of(clusterName, List.of());
  }

  /** How many endpoints all localities hold together. */
  public int endpointCount() {
    int n = 0;
    for (LocalityLbEndpoints l : localities) {
      n += l.endpoints().size();
    }
    return n;
  }
}
