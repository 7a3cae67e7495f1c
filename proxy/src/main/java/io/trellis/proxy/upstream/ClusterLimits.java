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
    defaultPriority = PriorityLimits.of(config, stats, clusterName, RoutingPriority.DEFAULT);
    highPriority = PriorityLimits.of(config, stats, clusterName, RoutingPriority.HIGH);
  }

  /** Limits that never trip, for pools built without a cluster (tests). */
  static PriorityLimits unlimited() {
    return new PriorityLimits(ResourceLimit.unlimited(), ResourceLimit.unlimited(), ResourceLimit.unlimited(),
        ResourceLimit.unlimited(), ResourceLimit.unlimited(), Long.MAX_VALUE);
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

  /**
   * The limits of one priority.
   *
   * @param retries max_retries, or with a retry budget a limit computed from {@code requests} and
   *     {@code pendingRequests} at each check
   * @param perHostMaxConnections per_host_thresholds max_connections: connections to one host
   */
  record PriorityLimits(ResourceLimit connections, ResourceLimit pendingRequests, ResourceLimit requests,
      ResourceLimit retries, ResourceLimit connectionPools, long perHostMaxConnections) {

    static PriorityLimits of(CircuitBreakers config, StatsStore stats, String cluster, RoutingPriority priority) {
      CircuitBreakers.Thresholds t = config.of(priority);
      String p = "cluster." + cluster + ".circuit_breakers." + priority.name().toLowerCase(Locale.ROOT) + ".";
      ResourceLimit pending = limit(t.maxPendingRequests(), t, stats, p, "rq_pending_open", "remaining_pending");
      ResourceLimit requests = limit(t.maxRequests(), t, stats, p, "rq_open", "remaining_rq");
      CircuitBreakers.RetryBudget budget = t.retryBudget();
      ResourceLimit retries = budget == null
          ? limit(t.maxRetries(), t, stats, p, "rq_retry_open", "remaining_retries")
          // Envoy counts both what is in flight and what waits for a connection as the base of the budget
          : new ResourceLimit(() -> budget.maxRetries(requests.count(), pending.count()), stats.gauge(p + "rq_retry_open"),
              t.trackRemaining() ? stats.gauge(p + "remaining_retries") : null);
      return new PriorityLimits(limit(t.maxConnections(), t, stats, p, "cx_open", "remaining_cx"), pending, requests,
          retries, limit(t.maxConnectionPools(), t, stats, p, "cx_pool_open", "remaining_cx_pools"),
          config.perHostMaxConnections(priority));
    }

    private static ResourceLimit limit(long max, CircuitBreakers.Thresholds t, StatsStore stats, String prefix,
        String openName, String remainingName) {
      return new ResourceLimit(max, stats.gauge(prefix + openName),
          t.trackRemaining() ? stats.gauge(prefix + remainingName) : null);
    }
  }
}
