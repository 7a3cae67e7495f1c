package io.trellis.proxy.config.listener;

import java.time.Duration;
import java.util.List;

/**
 * Envoy's {@code tcp_proxy}: bytes both ways to one cluster, or to one of {@code weightedClusters}
 * picked per connection by weight.
 *
 * @param cluster the cluster, or {@code null} when {@code weightedClusters} is given
 * @param idleTimeout closes both sides after this long without bytes either way; zero disables
 *     (Envoy's default 1 h)
 */
public record TcpProxyConfig(String statPrefix, String cluster, List<WeightedCluster> weightedClusters, Duration idleTimeout)
    implements NetworkFilterConfig {

  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);

  /** One entry of {@code weighted_clusters}. */
  public record WeightedCluster(String name, int weight) {
    public WeightedCluster {
      Check.nonEmpty("tcp_proxy.weighted_clusters.clusters.name", name);
      Check.range("tcp_proxy.weighted_clusters.clusters[" + name + "].weight", weight, 1, Integer.MAX_VALUE);
    }
  }

  public TcpProxyConfig {
    Check.nonEmpty("tcp_proxy.stat_prefix", statPrefix);
    weightedClusters = Check.list("tcp_proxy.weighted_clusters", weightedClusters);
    if ((cluster == null || cluster.isEmpty()) == weightedClusters.isEmpty()) {
      throw new IllegalArgumentException(
          "tcp_proxy[" + statPrefix + "].cluster: '" + cluster + "' (expected: exactly one of cluster, weighted_clusters)");
    }
    idleTimeout = idleTimeout == null ? DEFAULT_IDLE_TIMEOUT : Check.nonNegative("tcp_proxy.idle_timeout", idleTimeout);
  }

  public TcpProxyConfig(String statPrefix, String cluster) {
    this(statPrefix, cluster, List.of(), DEFAULT_IDLE_TIMEOUT);
  }
}
