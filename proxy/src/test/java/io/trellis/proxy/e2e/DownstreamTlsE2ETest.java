package io.trellis.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.trellis.proxy.bootstrap.BootstrapLoader;
import io.trellis.proxy.server.ProxyServer;
import io.trellis.proxy.tls.TestPki;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS termination configured as Envoy's {@code DownstreamTlsContext} on filter chains of a static
 * bootstrap, exercised with curl and h2load: HTTP/1.1 and HTTP/2 chosen by ALPN through an AUTO
 * connection manager to a plain backend, SNI (found by the TLS inspector) choosing between chains with
 * different certificates, and mutual TLS that refuses a client without a certificate, with one from
 * another CA, or with the wrong SAN.
 */
class DownstreamTlsE2ETest {
  @TempDir static Path dir;
  static TestPki pki;
  static TestPki otherPki;
  static HttpServer backend;
  static ExecutorService backendThreads;
  static ProxyServer proxy;
  static int port;
  static final List<String> log = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    pki = new TestPki("Trellis Test CA");
    otherPki = new TestPki("Someone Else's CA");
    Path ca = dir.resolve("ca.pem");
    java.nio.file.Files.writeString(ca, pki.caPem());
    TestPki.Issued a = pki.issue("a.test", "DNS:a.test");
    a.writeCertificate(dir.resolve("a.pem"));
    a.writeKey(dir.resolve("a-key.pem"));
    TestPki.Issued b = pki.issue("b.test", "DNS:b.test");
    TestPki.Issued mtls = pki.issue("mtls.test", "DNS:mtls.test");
    TestPki.Issued fallback = pki.issue("localhost", "DNS:localhost");

    backendThreads = Executors.newFixedThreadPool(4);
    backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
    backend.setExecutor(backendThreads);
    backend.createContext("/", exchange -> {
      try (exchange) {
        exchange.getRequestBody().readAllBytes();
        String chain = exchange.getRequestURI().getPath();
        byte[] body = (chain + " proto=" + exchange.getRequestHeaders().getFirst("x-forwarded-proto") + "\n")
            .getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    });
    backend.start();

    String yaml = """
        node: {id: "router~127.0.0.1~gw.default~default.svc.cluster.local", cluster: gw.default}
        static_resources:
          listeners:
          - name: https
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            listener_filters:
            - name: envoy.filters.listener.tls_inspector
              typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector}
            filter_chains:
            - filter_chain_match: {server_names: [a.test]}
              filters: [%s]
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  common_tls_context:
                    alpn_protocols: [h2, http/1.1]
                    tls_certificates:
                    - certificate_chain: {filename: %s}
                      private_key: {filename: %s}
            - filter_chain_match: {server_names: [b.test]}
              filters: [%s]
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  common_tls_context:
                    alpn_protocols: [http/1.1]
                    tls_params: {tls_minimum_protocol_version: TLSv1_3}
                    tls_certificates:
                    - certificate_chain: {inline_string: "%s"}
                      private_key: {inline_string: "%s"}
            - filter_chain_match: {server_names: [mtls.test]}
              filters: [%s]
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  require_client_certificate: true
                  common_tls_context:
                    alpn_protocols: [h2, http/1.1]
                    tls_certificates:
                    - certificate_chain: {inline_string: "%s"}
                      private_key: {inline_string: "%s"}
                    validation_context:
                      trusted_ca: {filename: %s}
                      match_typed_subject_alt_names:
                      - san_type: URI
                        matcher: {exact: "spiffe://cluster.local/ns/default/sa/good"}
            - filter_chain_match: {transport_protocol: tls}
              filters: [%s]
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  common_tls_context:
                    alpn_protocols: [h2, http/1.1]
                    tls_certificates:
                    - certificate_chain: {inline_string: "%s"}
                      private_key: {inline_string: "%s"}
            - filter_chain_match: {transport_protocol: raw_buffer}
              filters: [%s]
          clusters:
          - name: backend
            type: STATIC
            connect_timeout: 1s
            load_assignment:
              cluster_name: backend
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """.formatted(
            hcm("a"), dir.resolve("a.pem"), dir.resolve("a-key.pem"),
            hcm("b"), escape(b.certificatePem()), escape(b.privateKeyPem()),
            hcm("mtls"), escape(mtls.certificatePem()), escape(mtls.privateKeyPem()), ca,
            hcm("fallback"), escape(fallback.certificatePem()), escape(fallback.privateKeyPem()),
            hcm("plain"),
            backend.getAddress().getPort());
    proxy = ProxyServer.start(BootstrapLoader.parse("tls.yaml", yaml), "tls.yaml",
        ProxyServer.Options.defaults().withConcurrency(2).withConfigLog(log::add));
    port = proxy.listenerPort("https");
    assertThat(port).isPositive();
  }

  /** A connection manager (codec AUTO) that sends everything to the backend with the chain's name as path. */
  private static String hcm(String chain) {
    return """
        {name: envoy.filters.network.http_connection_manager, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager, \
        stat_prefix: %s, codec_type: AUTO, \
        http_filters: [{name: envoy.filters.http.router, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}}], \
        route_config: {virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: "/"}, route: {cluster: backend, prefix_rewrite: "/%s/"}}]}]}}}\
        """.formatted(chain, chain);
  }

  private static String escape(String pem) {
    return pem.replace("\n", "\\n");
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.stop(0);
      backendThreads.shutdownNow();
    }
  }

  private static Backends.Result curl(String host, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--cacert", dir.resolve("ca.pem").toString(),
        "--resolve", host + ":" + port + ":127.0.0.1", "-w", "\n%{http_code} %{http_version}"));
    cmd.addAll(List.of(extra));
    cmd.add("https://" + host + ":" + port + "/x");
    return Backends.run(20, cmd.toArray(String[]::new));
  }

  @Test
  void http11OverTlsReachesAPlainBackendWithHttpsAsForwardedProto() throws Exception {
    Backends.Result r = curl("a.test", "--http1.1");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("/a/x proto=https\n\n200 1.1");
  }

  @Test
  void alpnH2SpeaksHttp2ThroughTheAutoCodec() throws Exception {
    Backends.Result r = curl("a.test", "--http2");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("/a/x proto=https\n\n200 2");
  }

  @Test
  void sniChoosesTheChainAndItsCertificate() throws Exception {
    // curl checks the certificate's name against the host, so each answer proves which certificate came back.
    Backends.Result b = curl("b.test", "--http2");
    assertThat(b.exit()).as(b.err()).isZero();
    // b's chain offers only http/1.1 by ALPN, so even a client that wants h2 gets HTTP/1.1.
    assertThat(b.out()).isEqualTo("/b/x proto=https\n\n200 1.1");
    Backends.Result other = curl("localhost", "--http1.1");
    assertThat(other.exit()).as(other.err()).isZero();
    assertThat(other.out()).startsWith("/fallback/x proto=https");
  }

  @Test
  void theWrongCertificateForTheNameFailsVerification() throws Exception {
    // c.test matches no server name: the transport_protocol chain answers with the "localhost" certificate.
    Backends.Result r = curl("c.test", "--http1.1");
    assertThat(r.exit()).isEqualTo(60); // CURLE_PEER_FAILED_VERIFICATION
    assertThat(r.err()).contains("c.test");
  }

  @Test
  void tlsParamsMinimumVersionRefusesOlderClients() throws Exception {
    Backends.Result old = curl("b.test", "--http1.1", "--tls-max", "1.2");
    assertThat(old.exit()).as(old.out()).isNotZero();
    Backends.Result current = curl("b.test", "--http1.1", "--tlsv1.3");
    assertThat(current.exit()).as(current.err()).isZero();
  }

  @Test
  void plainTextOnTheSameListenerTakesTheRawBufferChain() throws Exception {
    Backends.Result r = Backends.run(20, "curl", "-sS", "--max-time", "10", "http://127.0.0.1:" + port + "/x");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("/plain/x proto=http\n");
  }

  @Test
  void mutualTlsRequiresACertificateFromTheTrustedCaWithTheExpectedSan() throws Exception {
    TestPki.Issued good = pki.issue("good", "URI:spiffe://cluster.local/ns/default/sa/good");
    TestPki.Issued wrongSan = pki.issue("bad", "URI:spiffe://cluster.local/ns/default/sa/bad");
    TestPki.Issued otherCa = otherPki.issue("good", "URI:spiffe://cluster.local/ns/default/sa/good");

    Backends.Result none = curl("mtls.test", "--http1.1");
    assertThat(none.exit()).as("no client certificate: " + none.out()).isNotZero();
    assertThat(none.out()).doesNotContain("/mtls");

    Backends.Result ok = curl("mtls.test", "--http2", "--cert", write("good.pem", good.certificatePem()), "--key", write("good-key.pem", good.privateKeyPem()));
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).isEqualTo("/mtls/x proto=https\n\n200 2");

    Backends.Result san = curl("mtls.test", "--http1.1", "--cert", write("bad.pem", wrongSan.certificatePem()), "--key", write("bad-key.pem", wrongSan.privateKeyPem()));
    assertThat(san.exit()).as("SAN mismatch: " + san.out()).isNotZero();
    assertThat(san.out()).doesNotContain("/mtls");

    Backends.Result foreign = curl("mtls.test", "--http1.1", "--cert", write("other.pem", otherCa.certificatePem()), "--key", write("other-key.pem", otherCa.privateKeyPem()));
    assertThat(foreign.exit()).as("untrusted CA: " + foreign.out()).isNotZero();
    assertThat(foreign.out()).doesNotContain("/mtls");
    // Envoy's listener ssl stats, under the bound address: three refused handshakes, at least the one that passed.
    assertThat(proxy.stats().counters().get("listener.127.0.0.1_" + port + ".ssl.connection_error")).isGreaterThanOrEqualTo(3);
    assertThat(proxy.stats().counters().get("listener.127.0.0.1_" + port + ".ssl.handshake")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void h2loadOverTlsNegotiatesH2AndCompletesEveryRequest() throws Exception {
    // h2load sends no SNI for an IP literal: the transport_protocol: tls chain answers, with ALPN h2.
    Backends.Result r = Backends.run(60, "h2load", "-n", "200", "-c", "2", "-m", "4", "https://127.0.0.1:" + port + "/");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("Application protocol: h2").contains("200 succeeded, 0 failed, 0 errored");
  }

  private static String write(String name, String text) throws Exception {
    return java.nio.file.Files.writeString(dir.resolve(name), text).toString();
  }
}
