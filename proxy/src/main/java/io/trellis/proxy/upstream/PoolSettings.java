package io.trellis.proxy.upstream;

import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.Http2Options;
import java.time.Duration;

/**
 * What a connection pool needs from its cluster's configuration, resolved once per cluster.
 *
 * @param maxConnectionsPerPool connections one pool opens at most, a bound beside the cluster-wide
 *     circuit breakers; further requests wait
 * @param maxPendingRequestsPerPool requests waiting for a connection at most; more fail with OVERFLOW
 */
record PoolSettings(
    Duration connectTimeout,
    int bufferLimitBytes,
    Duration idleTimeout,
    int maxRequestsPerConnection,
    int maxHeadersCount,
    Http2Options http2,
    int maxConnectionsPerPool,
    int maxPendingRequestsPerPool) {
  /** Per-pool bounds equal to Envoy's default breaker limits; the cluster-wide breakers usually bind first. */
  static final int DEFAULT_MAX_CONNECTIONS = 1024;
  static final int DEFAULT_MAX_PENDING = 1024;
  /** Envoy's default max_request_headers_kb, applied to upstream responses. */
  static final int MAX_HEADER_BYTES = 60 * 1024;

  static PoolSettings of(ClusterConfig c) {
    return new PoolSettings(c.connectTimeout(), c.perConnectionBufferLimitBytes(), c.protocolOptions().idleTimeout(),
        c.protocolOptions().maxRequestsPerConnection(), c.protocolOptions().maxHeadersCount(), c.protocolOptions().http2(),
        DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_PENDING);
  }

  PoolSettings withLimits(int maxConnections, int maxPending) {
    return new PoolSettings(connectTimeout, bufferLimitBytes, idleTimeout, maxRequestsPerConnection, maxHeadersCount,
        http2, maxConnections, maxPending);
  }
}
