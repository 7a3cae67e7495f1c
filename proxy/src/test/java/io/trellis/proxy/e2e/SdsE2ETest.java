package io.trellis.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.trellis.proxy.bootstrap.BootstrapLoader;
import io.trellis.proxy.server.ProxyServer;
import io.trellis.proxy.tls.TestPki;
import io.trellis.proxy.xds.Backoff;
import io.trellis.proxy.xds.SecretResource;
import io.trellis.proxy.xds.TestControlPlane;
import io.trellis.proxy.xds.XdsFixtures;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates delivered by SDS over ADS from java-control-plane's server: a listener warms (is not
 * bound) until its secret arrives, then serves; a rotated secret is presented to new connections while
 * an open keep-alive connection keeps working; a secret with bad PEM is NACKed naming the secret and
 * the field while the last good certificate keeps serving; {@code /config_dump} shows the secrets with
 * private keys redacted. Also static secrets from the bootstrap.
 */
class SdsE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "server-cert";

  @TempDir Path dir;
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private final TestPki pki = new TestPki("SDS Test CA");
  private Backends.NamedBackend backend;
  private TestControlPlane controlPlane;
  private ProxyServer proxy;
  private int listenerPort;

  @BeforeEach
  void start() throws Exception {
    backend = new Backends.NamedBackend("backend");
    Files.writeString(dir.resolve("ca.pem"), pki.caPem());
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private void startAdsProxy() throws Exception {
    controlPlane = new TestControlPlane().start(0);
    listenerPort = Backends.freePort();
    String yaml = controlPlane.adsBootstrap("{id: \"router~127.0.0.1~gw.default~default.svc.cluster.local\", cluster: gw.default}");
    proxy = ProxyServer.start(BootstrapLoader.parse("sds.yaml", yaml), "sds.yaml",
        ProxyServer.Options.defaults().withConcurrency(2).withConfigLog(log::add)
            .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1))));
  }

  /** Version {@code v} of the control plane's snapshot: the TLS listener, the backend, and maybe the secret. */
  private void publish(String version, Secret secret) {
    publish(version, SECRET, secret == null ? List.of() : List.of(secret));
  }

  private void publish(String version, String secretName, List<Secret> secrets) {
    publish(version, secretName, secrets, "https");
  }

  /** @param statPrefix the connection manager's; changing it is a listener update that drains connections */
  private void publish(String version, String secretName, List<Secret> secrets, String statPrefix) {
    DownstreamTlsContext tls = DownstreamTlsContext.newBuilder().setCommonTlsContext(CommonTlsContext.newBuilder()
        .addAlpnProtocols("h2").addAlpnProtocols("http/1.1")
        .addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName(secretName).setSdsConfig(XdsFixtures.ads()))).build();
    RouteConfiguration routes = RouteConfiguration.newBuilder().setName("inline")
        .addVirtualHosts(VirtualHost.newBuilder().setName("all").addDomains("*").addRoutes(XdsFixtures.prefixRoute("/", "backend"))).build();
    Listener plain = XdsFixtures.listener("https", listenerPort, XdsFixtures.hcm(statPrefix).setRouteConfig(routes).build());
    Listener listener = plain.toBuilder().setFilterChains(0, plain.getFilterChains(0).toBuilder().setTransportSocket(
        TransportSocket.newBuilder().setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls)))).build();
    controlPlane.set(version, List.of(XdsFixtures.staticCluster("backend", backend.port())), List.of(), List.of(listener), List.of(), secrets);
  }

  private static Secret certificateSecret(String chain, String key) {
    return certificateSecret(SECRET, chain, key);
  }

  private static Secret certificateSecret(String name, String chain, String key) {
    return Secret.newBuilder().setName(name).setTlsCertificate(TlsCertificate.newBuilder()
        .setCertificateChain(DataSource.newBuilder().setInlineString(chain))
        .setPrivateKey(DataSource.newBuilder().setInlineString(key))).build();
  }

  private Backends.Result curl(String path, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "10", "--cacert", dir.resolve("ca.pem").toString(),
        "--resolve", "sds.test:" + listenerPort + ":127.0.0.1"));
    cmd.addAll(List.of(extra));
    cmd.add("https://sds.test:" + listenerPort + path);
    return Backends.run(20, cmd.toArray(String[]::new));
  }

  private String write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text).toString();
  }

  private JsonNode secretsDump() throws Exception {
    String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + "/config_dump")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    for (JsonNode config : JSON.readTree(body).get("configs")) {
      if (config.get("@type").asText().endsWith("admin.v3.SecretsConfigDump")) {
        return config;
      }
    }
    throw new AssertionError("no SecretsConfigDump in " + body);
  }

  @Test
  void listenerWarmsForItsSecretThenRotatesWithoutDroppingConnectionsAndNacksABadOne() throws Exception {
    startAdsProxy();
    TestPki.Issued first = pki.issue("first", "DNS:sds.test");
    TestPki.Issued second = pki.issue("second", "DNS:sds.test");

    // 1. The listener names a secret the control plane does not have yet: it warms, unbound.
    publish("1", null);
    awaitWithLog(() -> controlPlane.requests().stream()
        .anyMatch(r -> r.getTypeUrl().equals(SecretResource.TYPE_URL) && r.getResourceNamesList().contains(SECRET)));
    assertThat(proxy.listenerPort("https")).isEqualTo(-1);
    assertThat(curl("/warming").exit()).isNotZero();
    assertThat(secretsDump().at("/dynamic_warming_secrets/0/name").asText()).isEqualTo(SECRET);

    // 2. The secret arrives: the listener binds and serves with it.
    publish("2", certificateSecret(first.certificatePem(), first.privateKeyPem()));
    awaitWithLog(() -> proxy.listenerPort("https") > 0);
    Backends.Result served = curl("/served");
    assertThat(served.exit()).as(served.err()).isZero();
    assertThat(served.out()).isEqualTo("backend /served\n");

    try (KeepAlive open = new KeepAlive(listenerPort, dir.resolve("ca.pem"))) {
      assertThat(open.get("/before")).isEqualTo("backend /before\n");
      assertThat(open.serverCommonName()).isEqualTo("CN=first");

      // 3. Rotation: new connections get the new certificate, the open one keeps working.
      publish("3", certificateSecret(second.certificatePem(), second.privateKeyPem()));
      awaitWithLog(() -> presented().equals("CN=second"));
      assertThat(open.get("/after")).isEqualTo("backend /after\n");
      assertThat(open.serverCommonName()).isEqualTo("CN=first");
    }

    // 4. A secret with bad PEM: NACKed with the secret and field, the last good certificate stays.
    publish("4", certificateSecret("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", second.privateKeyPem()));
    awaitWithLog(() -> controlPlane.requests().stream()
        .anyMatch(r -> r.getTypeUrl().equals(SecretResource.TYPE_URL) && r.hasErrorDetail()));
    DiscoveryRequest nack = controlPlane.requests().stream()
        .filter(r -> r.getTypeUrl().equals(SecretResource.TYPE_URL) && r.hasErrorDetail()).findFirst().orElseThrow();
    assertThat(nack.getVersionInfo()).isEqualTo("3");
    assertThat(nack.getErrorDetail().getMessage())
        .startsWith("Secret [server-cert] tls_certificate: certificate_chain: cannot parse the PEM certificates");
    assertThat(presented()).isEqualTo("CN=second");
    assertThat(curl("/still").out()).isEqualTo("backend /still\n");

    // 5. /config_dump: the active secret with its version, the NACK, and no private key.
    JsonNode dump = secretsDump();
    JsonNode active = dump.at("/dynamic_active_secrets/0");
    assertThat(active.at("/name").asText()).isEqualTo(SECRET);
    assertThat(active.at("/version_info").asText()).isEqualTo("3");
    assertThat(active.at("/secret/tls_certificate/private_key/inline_string").asText()).isEqualTo("[redacted]");
    assertThat(active.at("/secret/tls_certificate/certificate_chain/inline_string").asText()).isEqualTo(second.certificatePem());
    assertThat(active.at("/error_state/version_info").asText()).isEqualTo("4");
    assertThat(active.at("/error_state/details").asText()).contains("certificate_chain");
    assertThat(dump.toString()).doesNotContain("PRIVATE KEY");
    assertThat(dump.has("dynamic_warming_secrets")).isFalse();
  }

  @Test
  void anUpdatedListenerWarmsForItsNewSecretWhileTheRunningVersionServes() throws Exception {
    startAdsProxy();
    TestPki.Issued first = pki.issue("first", "DNS:sds.test");
    TestPki.Issued next = pki.issue("next", "DNS:sds.test");
    publish("1", certificateSecret(first.certificatePem(), first.privateKeyPem()));
    awaitWithLog(() -> proxy.listenerPort("https") > 0);
    assertThat(presented()).isEqualTo("CN=first");

    // The update names a secret the control plane does not have: the running version keeps serving.
    publish("2", "next-cert", List.of(certificateSecret(first.certificatePem(), first.privateKeyPem())));
    awaitWithLog(() -> controlPlane.requests().stream()
        .anyMatch(r -> r.getTypeUrl().equals(SecretResource.TYPE_URL) && r.getResourceNamesList().contains("next-cert")));
    assertThat(presented()).isEqualTo("CN=first");
    assertThat(curl("/old").out()).isEqualTo("backend /old\n");

    // The secret arrives: the new version takes over on the same port. (The old secret stays in the
    // snapshot: the running version still subscribes to it, and the server answers ADS only in full.)
    publish("3", "next-cert", List.of(certificateSecret(first.certificatePem(), first.privateKeyPem()),
        certificateSecret("next-cert", next.certificatePem(), next.privateKeyPem())));
    awaitWithLog(() -> presented().equals("CN=next"));
    assertThat(curl("/new").out()).isEqualTo("backend /new\n");
  }

  @Test
  void aConnectionStillInItsHandshakeWhenTheListenerIsUpdatedFinishesItAndIsDrainedGracefully() throws Exception {
    startAdsProxy();
    TestPki.Issued cert = pki.issue("only", "DNS:sds.test");
    List<Secret> secrets = List.of(certificateSecret(cert.certificatePem(), cert.privateKeyPem()));
    publish("1", SECRET, secrets, "v1");
    awaitWithLog(() -> proxy.listenerPort("https") > 0);
    try (java.net.Socket pending = new java.net.Socket()) {
      pending.connect(new InetSocketAddress("127.0.0.1", listenerPort), 5000);
      // Accepted on version 1 and waiting for its ClientHello when version 2 replaces the listener.
      awaitWithLog(() -> proxy.stats().gauges().getOrDefault("listener.127.0.0.1_" + listenerPort + ".downstream_cx_active", 0L) >= 1);
      publish("2", SECRET, secrets, "v2");
      awaitWithLog(() -> log.stream().anyMatch(l -> l.startsWith("applied LDS version 2")));
      try (KeepAlive late = new KeepAlive(pending, dir.resolve("ca.pem"))) {
        assertThat(late.serverCommonName()).isEqualTo("CN=only");
        assertThat(late.get("/late", true)).isEqualTo("backend /late\n");
      }
    }
    assertThat(curl("/fresh").out()).isEqualTo("backend /fresh\n");
  }

  @Test
  void staticSecretsFromTheBootstrapServeWithACombinedValidationContext() throws Exception {
    TestPki.Issued cert = pki.issue("static", "DNS:sds.test");
    String yaml = """
        node: {id: "router~127.0.0.1~gw.default~default.svc.cluster.local", cluster: gw.default}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
        static_resources:
          secrets:
          - name: static-cert
            tls_certificate:
              certificate_chain: {inline_string: "%s"}
              private_key: {inline_string: "%s"}
          - name: static-ca
            validation_context:
              trusted_ca: {inline_string: "%s"}
          listeners:
          - name: https
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: https
                  http_filters: [{name: envoy.filters.http.router, typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}}]
                  route_config: {virtual_hosts: [{name: all, domains: ["*"], routes: [{match: {prefix: "/"}, route: {cluster: backend}}]}]}
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  require_client_certificate: true
                  common_tls_context:
                    tls_certificate_sds_secret_configs: [{name: static-cert}]
                    combined_validation_context:
                      default_validation_context:
                        match_typed_subject_alt_names: [{san_type: URI, matcher: {prefix: "spiffe://cluster.local/ns/default/"}}]
                      validation_context_sds_secret_config: {name: static-ca}
          clusters:
          - name: backend
            type: STATIC
            connect_timeout: 1s
            load_assignment:
              cluster_name: backend
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """.formatted(cert.certificatePem().replace("\n", "\\n"), cert.privateKeyPem().replace("\n", "\\n"),
            pki.caPem().replace("\n", "\\n"), backend.port());
    proxy = ProxyServer.start(BootstrapLoader.parse("static.yaml", yaml), "static.yaml",
        ProxyServer.Options.defaults().withConcurrency(1).withConfigLog(log::add));
    listenerPort = proxy.listenerPort("https");
    TestPki.Issued inNamespace = pki.issue("client", "URI:spiffe://cluster.local/ns/default/sa/web");
    TestPki.Issued elsewhere = pki.issue("client", "URI:spiffe://cluster.local/ns/other/sa/web");
    Backends.Result r = curl("/static", "--cert", write("in.pem", inNamespace.certificatePem()), "--key", write("in-key.pem", inNamespace.privateKeyPem()));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("backend /static\n");
    assertThat(curl("/static").exit()).as("no client certificate").isNotZero();
    Backends.Result wrongSan = curl("/static", "--cert", write("out.pem", elsewhere.certificatePem()), "--key", write("out-key.pem", elsewhere.privateKeyPem()));
    assertThat(wrongSan.exit()).as("SAN outside the default context's prefix").isNotZero();

    String whole = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + "/config_dump")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(whole).doesNotContain("PRIVATE KEY").contains("[redacted]");
    JsonNode dump = secretsDump();
    assertThat(dump.at("/static_secrets/0/name").asText()).isEqualTo("static-cert");
    assertThat(dump.at("/static_secrets/0/secret/tls_certificate/private_key/inline_string").asText()).isEqualTo("[redacted]");
    assertThat(dump.at("/static_secrets/1/secret/validation_context/trusted_ca/inline_string").asText()).isEqualTo(pki.caPem());
  }

  @Test
  void aListenerNamingAMissingStaticSecretFailsTheBootstrap() throws Exception {
    String yaml = """
        node: {id: n, cluster: c}
        static_resources:
          listeners:
          - name: https
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.tcp_proxy
                typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy, stat_prefix: t, cluster: backend}
              transport_socket:
                name: envoy.transport_sockets.tls
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext
                  common_tls_context:
                    tls_certificate_sds_secret_configs: [{name: nowhere}]
          clusters:
          - name: backend
            type: STATIC
            connect_timeout: 1s
            load_assignment: {cluster_name: backend, endpoints: [{lb_endpoints: [{endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 9}}}}]}]}
        """;
    var thrown = org.assertj.core.api.Assertions.catchThrowable(() ->
        ProxyServer.start(BootstrapLoader.parse("missing.yaml", yaml), "missing.yaml", ProxyServer.Options.defaults().withConcurrency(1)));
    assertThat(thrown).hasMessageContaining("listener[https]: [static secret 'nowhere'] not in static_resources.secrets");
  }

  /** Awaits {@code condition}; on timeout, fails with the proxy's configuration log, which says why. */
  private void awaitWithLog(java.util.concurrent.Callable<Boolean> condition) {
    try {
      await().atMost(Duration.ofSeconds(20)).until(condition);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError("timed out; configuration log:\n" + String.join("\n", log)
          + "\nrequests: " + controlPlane.requests().stream().map(r -> r.getTypeUrl().replaceAll(".*\\.", "") + " v=" + r.getVersionInfo()
              + " names=" + r.getResourceNamesList() + (r.hasErrorDetail() ? " NACK" : "")).toList(), e);
    }
  }

  /** The subject of the certificate a new connection is given. */
  private String presented() throws Exception {
    try (KeepAlive c = new KeepAlive(listenerPort, dir.resolve("ca.pem"))) {
      return c.serverCommonName();
    }
  }

  /** One TLS connection (trusting only the test CA, SNI sds.test) that sends HTTP/1.1 requests on it. */
  private static final class KeepAlive implements AutoCloseable {
    private final SSLSocket socket;
    private final InputStream in;
    private final OutputStream out;

    KeepAlive(int port, Path ca) throws Exception {
      this(connect(port), ca);
    }

    private static java.net.Socket connect(int port) throws Exception {
      java.net.Socket plain = new java.net.Socket();
      plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      return plain;
    }

    /** TLS over an already connected socket, so a test can hold a connection before its handshake. */
    KeepAlive(java.net.Socket plain, Path ca) throws Exception {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream pem = Files.newInputStream(ca)) {
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      socket = (SSLSocket) ctx.getSocketFactory().createSocket(plain, "sds.test", plain.getPort(), true);
      socket.setSoTimeout(10_000);
      SSLParameters params = socket.getSSLParameters();
      params.setServerNames(List.of(new SNIHostName("sds.test")));
      params.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(params);
      socket.startHandshake();
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    String serverCommonName() throws Exception {
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
    }

    /** Sends a GET and returns the body; fails unless the status is 200 and the connection stays open. */
    String get(String path) throws Exception {
      return get(path, false);
    }

    /** Sends a GET and returns the body; fails unless the status is 200 and the server says whether it closes. */
    String get(String path, boolean expectClose) throws Exception {
      out.write(("GET " + path + " HTTP/1.1\r\nhost: sds.test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      List<String> headers = new ArrayList<>();
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new AssertionError("connection closed after " + headers);
        }
        if (b == '\n') {
          String l = line.toString(StandardCharsets.US_ASCII).trim();
          line.reset();
          if (l.isEmpty()) {
            break;
          }
          headers.add(l);
        } else {
          line.write(b);
        }
      }
      assertThat(headers.getFirst()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(headers.stream().anyMatch(h -> h.equalsIgnoreCase("connection: close"))).as("connection: close in " + headers)
          .isEqualTo(expectClose);
      int length = headers.stream().filter(h -> h.toLowerCase().startsWith("content-length:"))
          .map(h -> Integer.parseInt(h.substring(15).trim())).findFirst().orElseThrow();
      return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
      socket.close();
    }
  }
}
