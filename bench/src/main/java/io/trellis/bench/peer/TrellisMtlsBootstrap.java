package io.trellis.bench.peer;

/**
 * The two Envoy v3 bootstraps of a Trellis sidecar pair joined by mutual TLS. The client side
 * (proxy A) takes plain HTTP/1.1 and h2c like {@link TrellisBootstrap} and sends every request to
 * proxy B over TLS with its client certificate, speaking HTTP/2 chosen by ALPN
 * ({@code explicit_http_config.http2_protocol_options}, {@code alpn_protocols: [h2]}), verifying
 * B's certificate against the bench CA and its DNS SAN. The server side (proxy B) terminates that
 * TLS, requires a client certificate signed by the bench CA with A's SPIFFE URI SAN, and proxies to
 * the origin over plain HTTP/1.1 keep-alive. Certificates and keys are referenced by file name, as
 * an operator's bootstrap would.
 */
public final class TrellisMtlsBootstrap {

  private TrellisMtlsBootstrap() {}

  /** Proxy A: plain listener on {@code listenerPort}, mTLS/HTTP/2 upstream to proxy B on {@code proxyBPort}. */
  public static String clientSide(int listenerPort, int adminPort, int proxyBPort, MeshPki pki) {
    return TrellisBootstrap.head("bench-proxy-a", adminPort)
        + """
          listeners:
          - name: bench
            address:
              socket_address: { address: 127.0.0.1, port_value: %d }
            filter_chains:
            - filters:
              - %s
          clusters:
          - name: proxy-b
            type: STATIC
            connect_timeout: 5s
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config:
                  http2_protocol_options: {}
            transport_socket:
              name: envoy.transport_sockets.tls
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext
                sni: %s
                common_tls_context:
                  alpn_protocols: [h2]
                  tls_certificates:
                  - certificate_chain: { filename: "%s" }
                    private_key: { filename: "%s" }
                  validation_context:
                    trusted_ca: { filename: "%s" }
                    match_typed_subject_alt_names:
                    - san_type: DNS
                      matcher: { exact: %s }
            load_assignment:
              cluster_name: proxy-b
              endpoints:
              - lb_endpoints:
                - endpoint:
                    address:
                      socket_address: { address: 127.0.0.1, port_value: %d }
        """
        .formatted(
            listenerPort,
            TrellisBootstrap.connectionManager("proxy-b"),
            MeshPki.SERVER_NAME,
            pki.clientCertificate(),
            pki.clientKey(),
            pki.caCertificate(),
            MeshPki.SERVER_NAME,
            proxyBPort);
  }

  /** Proxy B: mutual-TLS listener on {@code listenerPort}, plain HTTP/1.1 to the origin. */
  public static String serverSide(int listenerPort, int adminPort, BackendPorts backend, MeshPki pki) {
    return TrellisBootstrap.head("bench-proxy-b", adminPort)
        + """
          listeners:
          - name: bench-mtls
            address:
              socket_address: { address: 127.0.0.1, port_value: %d }
            filter_chains:
            - filters:
              - %s
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  require_client_certificate: true
                  common_tls_context:
                    alpn_protocols: [h2, http/1.1]
                    tls_certificates:
                    - certificate_chain: { filename: "%s" }
                      private_key: { filename: "%s" }
                    validation_context:
                      trusted_ca: { filename: "%s" }
                      match_typed_subject_alt_names:
                      - san_type: URI
                        matcher: { exact: "%s" }
          clusters:
        %s"""
        .formatted(
            listenerPort,
            TrellisBootstrap.connectionManager("origin"),
            pki.serverCertificate(),
            pki.serverKey(),
            pki.caCertificate(),
            MeshPki.CLIENT_URI,
            TrellisBootstrap.originCluster(backend));
  }
}
