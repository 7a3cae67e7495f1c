package io.trellis.control.sim;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import java.util.List;
import java.util.Map;

/**
 * Where a simulated request went: each stage of Envoy's path, and the route and cluster it ended
 * on. {@code error} names the stage that failed (no listener, no filter chain, no virtual host,
 * no route, unknown cluster), as Envoy's response flags would (NR, NC, …).
 *
 * @param listener the listener that took the connection
 * @param filterChain the chosen filter chain's name
 * @param routeConfig the route configuration's name ("" for TCP)
 * @param virtualHost the virtual host's name
 * @param route the matched route (null for TCP or on error)
 * @param clusters the upstream clusters with their weights (one entry with weight 100 for a
 *     single cluster)
 * @param cluster the first (or only) upstream cluster's definition, if it exists
 * @param endpoints the cluster's endpoints as {@code ip:port}
 * @param error what went wrong, or "" on success
 */
public record Result(
    String listener,
    String filterChain,
    String routeConfig,
    String virtualHost,
    Route route,
    Map<String, Integer> clusters,
    Cluster cluster,
    List<String> endpoints,
    String error) {

  /** The single cluster the request goes to (fails when it is split over several). */
  public String singleCluster() {
    if (clusters.size() != 1) {
      throw new AssertionError("expected one cluster, got " + clusters + (error.isEmpty() ? "" : " (" + error + ")"));
    }
    return clusters.keySet().iterator().next();
  }

  public int directResponseStatus() {
    return route != null && route.hasDirectResponse() ? route.getDirectResponse().getStatus() : 0;
  }
}
