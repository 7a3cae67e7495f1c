package io.trellis.proxy.server;

import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.route.RouteConfig;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Where sequenced configuration goes: the upstream runtime (clusters, endpoints), the listener runtime
 * (route configurations, listeners) and the ADS subscriptions that follow references. Every call
 * carries the complete current set of its kind, never a diff.
 */
public interface ConfigTargets {

  void applyClusters(Collection<ClusterConfig> clusters);

  void applyEndpoints(Map<String, EndpointsConfig> endpointsByEdsName);

  void applyRouteConfigs(Map<String, RouteConfig> routesByName);

  void applyListeners(Collection<ListenerConfig> listeners);

  /** The EDS names the applied and warming clusters need. */
  void subscribeEndpoints(Set<String> edsNames);

  /** The RDS names the pending and applied listeners need. */
  void subscribeRoutes(Set<String> routeNames);

  /** The held, subscribed route configurations with {@code vhds}: their names are the VHDS subscription. */
  void subscribeVirtualHosts(Set<String> routeNames);
}
