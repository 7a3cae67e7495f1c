package io.trellis.proxy.upstream;

import io.trellis.proxy.config.cluster.ClusterConfig;
import java.util.List;

/**
 * One cluster as the admin {@code /clusters} page shows it.
 *
 * @param config the configuration in force
 * @param warm whether the cluster has had its first endpoints or DNS answer
 * @param hosts its hosts, in priority order
 */
public record ClusterView(ClusterConfig config, boolean warm, List<HostView> hosts) {
  public ClusterView {
    hosts = List.copyOf(hosts);
  }

  public String name() {
    return config.name();
  }
}
