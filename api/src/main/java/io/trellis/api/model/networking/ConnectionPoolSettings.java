package io.trellis.api.model.networking;

import java.time.Duration;

/** Istio's {@code ConnectionPoolSettings}: limits on connections and requests to an upstream. */
public record ConnectionPoolSettings(TcpSettings tcp, HttpSettings http) {

  public record TcpSettings(
      int maxConnections,
      Duration connectTimeout,
      TcpKeepalive tcpKeepalive,
      Duration maxConnectionDuration,
      Duration idleTimeout) {

    public record TcpKeepalive(int probes, Duration time, Duration interval) {}
  }

  public record HttpSettings(
      int http1MaxPendingRequests,
      int http2MaxRequests,
      int maxRequestsPerConnection,
      int maxRetries,
      Duration idleTimeout,
      H2UpgradePolicy h2UpgradePolicy,
      boolean useClientProtocol,
      int maxConcurrentStreams,
      Http2KeepAlive http2KeepAlive) {

    public enum H2UpgradePolicy {
      DEFAULT,
      DO_NOT_UPGRADE,
      UPGRADE
    }

    /** HTTP/2 PING keep-alive on upstream connections. */
    public record Http2KeepAlive(Duration interval, Duration timeout) {}
  }
}
