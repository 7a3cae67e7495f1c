package io.trellis.proxy.config.route;

import java.util.List;
import java.util.Locale;

/** Which cluster a forwarding route sends to (Envoy's {@code RouteAction.cluster_specifier}). */
public sealed interface ClusterSpecifier {

  /** A fixed cluster. */
  record Cluster(String name) implements ClusterSpecifier {
    public Cluster {
      Check.nonEmpty("route.cluster", name);
    }
  }

  /**
   * A cluster picked at random in proportion to its weight. {@code totalWeight} is the sum of the
   * weights (Envoy's deprecated {@code total_weight}, when given, must equal it).
   */
  record Weighted(List<WeightedCluster> clusters, long totalWeight) implements ClusterSpecifier {
    public Weighted {
      clusters = Check.list("route.weighted_clusters.clusters", clusters);
      if (clusters.isEmpty()) {
        throw new IllegalArgumentException("route.weighted_clusters.clusters: [] (expected: at least one cluster)");
      }
      long sum = 0;
      for (WeightedCluster c : clusters) {
        sum += c.weight();
      }
      if (sum <= 0) {
        throw new IllegalArgumentException("route.weighted_clusters: weights sum to " + sum + " (expected: > 0)");
      }
      if (totalWeight == 0) {
        totalWeight = sum;
      } else if (totalWeight != sum) {
        throw new IllegalArgumentException(
            "route.weighted_clusters.total_weight: " + totalWeight + " (expected: the sum of the weights, " + sum + ")");
      }
    }

    public Weighted(List<WeightedCluster> clusters) {
      this(clusters, 0);
    }
  }

  /** The cluster named by a request header; a missing header or unknown cluster answers 503 NC. */
  record FromHeader(String headerName) implements ClusterSpecifier {
    public FromHeader {
      Check.nonEmpty("route.cluster_header", headerName);
      headerName = headerName.toLowerCase(Locale.ROOT);
    }
  }
}
