package io.trellis.proxy.config.cluster;

/**
 * Which HTTP protocol a cluster speaks upstream (Envoy's {@code HttpProtocolOptions}
 * {@code upstream_protocol_options}).
 */
public enum UpstreamProtocolSelection {
  /** {@code explicit_http_config.http_protocol_options}; also what a cluster without options speaks. */
  HTTP1,
  /** {@code explicit_http_config.http2_protocol_options}: h2 over TLS, h2c prior knowledge in plaintext. */
  HTTP2,
  /** {@code auto_config}: ALPN over TLS offers h2 and http/1.1; in plaintext, HTTP/1.1. */
  AUTO,
  /** {@code use_downstream_protocol_config}: the protocol the downstream request arrived on. */
  USE_DOWNSTREAM
}
