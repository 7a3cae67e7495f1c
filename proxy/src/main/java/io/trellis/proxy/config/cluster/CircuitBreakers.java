package io.trellis.proxy.config.cluster;

import java.util.Objects;

/**
 * A cluster's {@code circuit_breakers}: limits shared by every connection pool and event loop of the
 * cluster, one set per routing priority, and the per-host connection limits of
 * {@code per_host_thresholds}. Absent thresholds take Envoy's defaults.
 *
 * @param defaultPriority the thresholds of {@code priority: DEFAULT}
 * @param highPriority the thresholds of {@code priority: HIGH}
 * @param perHostMaxConnectionsDefault {@code per_host_thresholds[DEFAULT].max_connections}: connections to
 *     any one host ({@link Thresholds#UNLIMITED} when absent). As in Envoy, it is the only per-host limit.
 * @param perHostMaxConnectionsHigh the same for {@code priority: HIGH}
 */
public record CircuitBreakers(Thresholds defaultPriority, Thresholds highPriority, long perHostMaxConnectionsDefault,
    long perHostMaxConnectionsHigh) {
  /** Envoy's defaults for both priorities. */
  public static final CircuitBreakers DEFAULT = new CircuitBreakers(Thresholds.DEFAULT, Thresholds.DEFAULT);

  public CircuitBreakers {
    Objects.requireNonNull(defaultPriority, "thresholds[DEFAULT]");
    Objects.requireNonNull(highPriority, "thresholds[HIGH]");
    Thresholds.check("per_host_thresholds[DEFAULT].max_connections", perHostMaxConnectionsDefault);
    Thresholds.check("per_host_thresholds[HIGH].max_connections", perHostMaxConnectionsHigh);
  }

  /** Cluster-wide thresholds only; no per-host limits. */
  public CircuitBreakers(Thresholds defaultPriority, Thresholds highPriority) {
    this(defaultPriority, highPriority, Thresholds.UNLIMITED, Thresholds.UNLIMITED);
  }

  /** The thresholds of one priority. */
  public Thresholds of(RoutingPriority priority) {
    return priority == RoutingPriority.HIGH ? highPriority : defaultPriority;
  }

  /** The per-host max_connections of one priority ({@link Thresholds#UNLIMITED} when not configured). */
  public long perHostMaxConnections(RoutingPriority priority) {
    return priority == RoutingPriority.HIGH ? perHostMaxConnectionsHigh : perHostMaxConnectionsDefault;
  }

  /**
   * {@code retry_budget}: the retries in flight may be at most
   * {@code max(minRetryConcurrency, budgetPercent / 100 × (active requests + pending requests))}; when
   * set it replaces {@code max_retries}.
   *
   * @param budgetPercent {@code budget_percent}, 0..100, default 20
   * @param minRetryConcurrency {@code min_retry_concurrency}, default 3: retries always allowed
   */
  public record RetryBudget(double budgetPercent, long minRetryConcurrency) {
    public static final double DEFAULT_BUDGET_PERCENT = 20.0;
    public static final long DEFAULT_MIN_RETRY_CONCURRENCY = 3;
    public static final RetryBudget DEFAULT = new RetryBudget(DEFAULT_BUDGET_PERCENT, DEFAULT_MIN_RETRY_CONCURRENCY);

    public RetryBudget {
      if (!(budgetPercent >= 0 && budgetPercent <= 100)) {
        throw new IllegalArgumentException("budget_percent: " + budgetPercent + " (expected: 0..100)");
      }
      Thresholds.check("min_retry_concurrency", minRetryConcurrency);
    }

    /** The retry limit for the requests in flight and waiting now (Envoy truncates the product). */
    public long maxRetries(long activeRequests, long pendingRequests) {
      long budget = (long) (budgetPercent / 100.0 * (activeRequests + pendingRequests));
      return Math.max(minRetryConcurrency, budget);
    }
  }

  /**
   * One priority's limits (Envoy's {@code CircuitBreakers.Thresholds}).
   *
   * @param maxConnections {@code max_connections}, default 1024: connections to all hosts together
   * @param maxPendingRequests {@code max_pending_requests}, default 1024: requests waiting for a connection
   * @param maxRequests {@code max_requests}, default 1024: requests in flight
   * @param maxRetries {@code max_retries}, default 3: retries in flight (the router asks before retrying)
   * @param maxConnectionPools {@code max_connection_pools}, default unlimited
   * @param trackRemaining {@code track_remaining}: publish the {@code remaining_*} gauges
   * @param retryBudget {@code retry_budget}, or {@code null}: when set, {@code max_retries} is not used
   */
  public record Thresholds(long maxConnections, long maxPendingRequests, long maxRequests, long maxRetries,
      long maxConnectionPools, boolean trackRemaining, RetryBudget retryBudget) {
    public static final long DEFAULT_MAX_CONNECTIONS = 1024;
    public static final long DEFAULT_MAX_PENDING_REQUESTS = 1024;
    public static final long DEFAULT_MAX_REQUESTS = 1024;
    public static final long DEFAULT_MAX_RETRIES = 3;
    /** Envoy's default for max_connection_pools: no limit (uint32 max). */
    public static final long UNLIMITED = 0xFFFF_FFFFL;
    public static final Thresholds DEFAULT = new Thresholds(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PENDING_REQUESTS,
        DEFAULT_MAX_REQUESTS, DEFAULT_MAX_RETRIES, UNLIMITED, false, null);

    public Thresholds {
      check("max_connections", maxConnections);
      check("max_pending_requests", maxPendingRequests);
      check("max_requests", maxRequests);
      check("max_retries", maxRetries);
      check("max_connection_pools", maxConnectionPools);
    }

    /** Thresholds without a retry budget. */
    public Thresholds(long maxConnections, long maxPendingRequests, long maxRequests, long maxRetries,
        long maxConnectionPools, boolean trackRemaining) {
      this(maxConnections, maxPendingRequests, maxRequests, maxRetries, maxConnectionPools, trackRemaining, null);
    }

    static void check(String field, long value) {
      if (value < 0 || value > UNLIMITED) {
        throw new IllegalArgumentException(field + ": " + value + " (expected: 0.." + UNLIMITED + ")");
      }
    }
  }
}
