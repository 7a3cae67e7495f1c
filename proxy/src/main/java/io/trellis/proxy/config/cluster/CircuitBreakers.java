package io.trellis.proxy.config.cluster;

import java.util.Objects;

/**
 * A cluster's {@code circuit_breakers}: limits shared by every connection pool and event loop of the
 * cluster, one set per routing priority. Absent thresholds take Envoy's defaults.
 *
 * @param defaultPriority the thresholds of {@code priority: DEFAULT}
 * @param highPriority the thresholds of {@code priority: HIGH}
 */
public record CircuitBreakers(Thresholds defaultPriority, Thresholds highPriority) {
  /** Envoy's defaults for both priorities. */
  public static final CircuitBreakers DEFAULT = new CircuitBreakers(Thresholds.DEFAULT, Thresholds.DEFAULT);

  public CircuitBreakers {
    Objects.requireNonNull(defaultPriority, "thresholds[DEFAULT]");
    Objects.requireNonNull(highPriority, "thresholds[HIGH]");
  }

  /** The thresholds of one priority. */
  public Thresholds of(RoutingPriority priority) {
    return priority == RoutingPriority.HIGH ? highPriority : defaultPriority;
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
   */
  public record Thresholds(long maxConnections, long maxPendingRequests, long maxRequests, long maxRetries,
      long maxConnectionPools, boolean trackRemaining) {
    public static final long DEFAULT_MAX_CONNECTIONS = 1024;
    public static final long DEFAULT_MAX_PENDING_REQUESTS = 1024;
    public static final long DEFAULT_MAX_REQUESTS = 1024;
    public static final long DEFAULT_MAX_RETRIES = 3;
    /** Envoy's default for max_connection_pools: no limit (uint32 max). */
    public static final long UNLIMITED = 0xFFFF_FFFFL;
    public static final Thresholds DEFAULT = new Thresholds(DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PENDING_REQUESTS,
        DEFAULT_MAX_REQUESTS, DEFAULT_MAX_RETRIES, UNLIMITED, false);

    public Thresholds {
      check("max_connections", maxConnections);
      check("max_pending_requests", maxPendingRequests);
      check("max_requests", maxRequests);
      check("max_retries", maxRetries);
      check("max_connection_pools", maxConnectionPools);
    }

    private static void check(String field, long value) {
      if (value < 0 || value > UNLIMITED) {
        throw new IllegalArgumentException(field + ": " + value + " (expected: 0.." + UNLIMITED + ")");
      }
    }
  }
}
