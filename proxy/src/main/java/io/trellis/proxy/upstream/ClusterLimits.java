package io.trellis.proxy.upstream;

import io.trellis.proxy.config.cluster.CircuitBreakers;
import io.trellis.proxy.config.cluster.RoutingPriority;
import io.trellis.proxy.stats.StatsStore;
import java.util.List;
import java.util.Locale;

/**
 * A cluster's circuit breakers: one {@link ResourceLimit} per resource and routing priority, shared by
 * every pool and event loop of one cluster version, with Envoy's gauges under
 * {@code cluster.NAME.circuit_breakers.PRIORITY.*}.
 */
final class ClusterLimits {
  private final PriorityLimits defaultPriority;
  private final PriorityLimits highPriority;

  ClusterLimits(CircuitBreakers config, StatsStore stats, String clusterName) {
    defaultPriority = new PriorityLimits(config.defaultPriority(), stats, clusterName, RoutingPriority.DEFAULT);
    highPriority = new PriorityLimits(config.highPriority(), stats, clusterName, RoutingPriority.HIGH);
  }

  /** Limits that never trip, for pools built without a cluster (tests). */
  static PriorityLimits unlimited() {
    return new PriorityLimits(ResourceLimit.unlimited(), ResourceLimit.unlimited(), ResourceLimit.unlimited(),
        ResourceLimit.unlimited(), ResourceLimit.unlimited());
  }

  /** The cluster version went into service (true) or left it (false): its gauges follow. */
  void published(boolean value) {
    for (PriorityLimits p : List.of(defaultPriority, highPriority)) {
      for (ResourceLimit r : List.of(p.connections(), p.pendingRequests(), p.requests(), p.retries(), p.connectionPools())) {
        if (value) {
          r.publish();
        } else {
          r.unpublish();
        }
      }
    }
  }

  PriorityLimits of(RoutingPriority priority) {
    return priority == RoutingPriority.HIGH ? highPriority : defaultPriority;
  }

  /** The limits of one priority. */
  record PriorityLimits(ResourceLimit connections, ResourceLimit pendingRequests, ResourceLimit requests,
      ResourceLimit retries, ResourceLimit connectionPools) {

    PriorityLimits(CircuitBreakers.Thresholds t, StatsStore stats, String cluster, RoutingPriority priority) {
      this(limit(t.maxConnections(), t, stats, cluster, priority, "cx_open", "remaining_cx"),
          limit(t.maxPendingRequests(), t, stats, cluster, priority, "rq_pending_open", "remaining_pending"),
          limit(t.maxRequests(), t, stats, cluster, priority, "rq_open", "remaining_rq"),
          limit(t.maxRetries(), t, stats, cluster, priority, "rq_retry_open", "remaining_retries"),
          limit(t.maxConnectionPools(), t, stats, cluster, priority, "cx_pool_open", "remaining_cx_pools"));
    }

    private static ResourceLimit limit(long max, CircuitBreakers.Thresholds t, StatsStore stats, String cluster,
        RoutingPriority priority, String openName, String remainingName) {
      String p = "cluster." + cluster + ".circuit_breakers." + priority.name().toLowerCase(Locale.ROOT) + ".";
      return new ResourceLimit(max, stats.gauge(p + openName), t.trackRemaining() ? stats.gauge(p + remainingName) : null);
    }
  }
}
