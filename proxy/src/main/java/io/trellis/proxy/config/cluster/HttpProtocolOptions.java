package io.trellis.proxy.config.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * How a cluster speaks HTTP upstream: Envoy's {@code envoy.extensions.upstreams.http.v3.HttpProtocolOptions}
 * with its {@code common_http_protocol_options}.
 *
 * @param selection which protocol (explicit, ALPN auto, or the downstream's)
 * @param idleTimeout {@code common_http_protocol_options.idle_timeout}: an upstream connection with no
 *     active request for this long is closed; {@link Duration#ZERO} disables; default one hour
 * @param maxRequestsPerConnection {@code max_requests_per_connection}: a connection is retired after
 *     this many requests; 0 means unlimited (the default)
 * @param maxHeadersCount {@code max_headers_count} of upstream responses, default 100
 * @param http2 HTTP/2 settings, used whenever HTTP/2 is spoken
 */
public record HttpProtocolOptions(
    UpstreamProtocolSelection selection,
    Duration idleTimeout,
    int maxRequestsPerConnection,
    int maxHeadersCount,
    Http2Options http2) {
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(1);
  public static final int DEFAULT_MAX_HEADERS_COUNT = 100;
  /** What a cluster without protocol options gets: HTTP/1.1 with Envoy's defaults. */
  public static final HttpProtocolOptions DEFAULT = of(UpstreamProtocolSelection.HTTP1);

  public HttpProtocolOptions {
    Objects.requireNonNull(selection, "upstream_protocol_options");
    Objects.requireNonNull(http2, "http2_protocol_options");
    if (idleTimeout == null || idleTimeout.isNegative()) {
      throw new IllegalArgumentException(
          "common_http_protocol_options.idle_timeout: " + idleTimeout + " (expected: >= 0s, 0 disables)");
    }
    if (maxRequestsPerConnection < 0) {
      throw new IllegalArgumentException("common_http_protocol_options.max_requests_per_connection: "
          + maxRequestsPerConnection + " (expected: >= 0, 0 is unlimited)");
    }
    if (maxHeadersCount < 1) {
      throw new IllegalArgumentException(
          "common_http_protocol_options.max_headers_count: " + maxHeadersCount + " (expected: >= 1)");
    }
  }

  /** The given protocol selection with every other option at Envoy's default. */
  public static HttpProtocolOptions of(UpstreamProtocolSelection selection) {
    return new HttpProtocolOptions(selection, DEFAULT_IDLE_TIMEOUT, 0, DEFAULT_MAX_HEADERS_COUNT, Http2Options.DEFAULT);
  }

  public HttpProtocolOptions withIdleTimeout(Duration value) {
    return new HttpProtocolOptions(selection, value, maxRequestsPerConnection, maxHeadersCount, http2);
  }

  public HttpProtocolOptions withMaxRequestsPerConnection(int value) {
    return new HttpProtocolOptions(selection, idleTimeout, value, maxHeadersCount, http2);
  }

  public HttpProtocolOptions withHttp2(Http2Options value) {
    return new HttpProtocolOptions(selection, idleTimeout, maxRequestsPerConnection, maxHeadersCount, value);
  }
}
