/**
 * TLS the proxy terminates for downstream clients, and the secrets it needs: immutable records for
 * Envoy's {@code DownstreamTlsContext} and {@code Secret} (key material as PEM text, whatever its
 * source, so the data plane never reads files), and the compiled server context that listeners swap
 * atomically when SDS rotates a certificate. Connections keep the context they handshook with; only
 * new connections see a rotated one.
 */
package io.trellis.proxy.tls;
