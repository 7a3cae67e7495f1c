package io.trellis.proxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trellis.proxy.bootstrap.BootstrapLoader;
import io.trellis.proxy.server.ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A proxy started from an Envoy-format static bootstrap (listener → inline route → STATIC cluster)
 * answers curl over HTTP/1.1 and HTTP/2 (prior knowledge) from a real backend, and its admin endpoints
 * report what happened.
 */
class StaticBootstrapE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<String> log = new ArrayList<>();
  private Backends.NamedBackend backend;
  private ProxyServer proxy;

  static String bootstrap(int backendPort) {
    return bootstrap(backendPort, false);
  }

  /** @param http2Upstream speak HTTP/2 (h2c) to the backend, as gRPC needs */
  static String bootstrap(int backendPort, boolean http2Upstream) {
    String protocol =
        http2Upstream
            ? "    typed_extension_protocol_options:\n"
                + "      envoy.extensions.upstreams.http.v3.HttpProtocolOptions:\n"
                + "        \"@type\": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions\n"
                + "        explicit_http_config: {http2_protocol_options: {}}\n"
            : "";
    return """
        node: {id: "router~127.0.0.1~gw.default~default.svc.cluster.local", cluster: gw.default}
        admin:
          address: {socket_address: {address: 127.0.0.1, port_value: 0}}
        static_resources:
          listeners:
          - name: ingress
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress_http
                  route_config:
                    name: local
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: {prefix: /}
                        route: {cluster: backend}
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config:
                      "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
          clusters:
          - name: backend
            type: STATIC
            connect_timeout: 1s
        %s    load_assignment:
              cluster_name: backend
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """
        .formatted(protocol, backendPort);
  }

  @BeforeEach
  void start() throws Exception {
    backend = new Backends.NamedBackend("backend");
    proxy =
        ProxyServer.start(
            BootstrapLoader.parse("static.yaml", bootstrap(backend.port())),
            "static.yaml",
            ProxyServer.Options.defaults().withConcurrency(2).withConfigLog(line -> {
              synchronized (log) {
                log.add(line);
              }
            }));
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  private HttpResponse<String> admin(String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void curlOverHttp1AndHttp2ReachesTheBackend() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> admin("GET", "/ready").statusCode() == 200);
    int port = proxy.listenerPort("ingress");
    assertThat(port).isPositive();

    var h1 = Backends.run(20, "curl", "-sS", "-m", "10", "-w", "\n%{http_code} %{http_version}", "http://127.0.0.1:" + port + "/hello");
    assertThat(h1.exit()).as(h1.err()).isZero();
    assertThat(h1.out()).isEqualTo("backend /hello\n\n200 1.1");

    var h2 =
        Backends.run(
            20, "curl", "-sS", "-m", "10", "--http2-prior-knowledge", "-w", "\n%{http_code} %{http_version}",
            "http://127.0.0.1:" + port + "/h2");
    assertThat(h2.exit()).as(h2.err()).isZero();
    assertThat(h2.out()).isEqualTo("backend /h2\n\n200 2");

    // The admin server saw it: counters moved, and the text and Prometheus formats agree.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(admin("GET", "/stats").body()).contains("cluster.backend.upstream_rq_total: 2\n"));
    assertThat(admin("GET", "/stats/prometheus").body())
        .contains("envoy_cluster_upstream_rq_total{envoy_cluster_name=\"backend\"} 2\n");
    assertThat(admin("GET", "/listeners").body()).isEqualTo("ingress::127.0.0.1:" + port + "\n");
    assertThat(admin("GET", "/clusters").body())
        .contains("backend::added_via_api::false")
        .contains("backend::127.0.0.1:" + backend.port() + "::health_flags::healthy")
        .contains("backend::127.0.0.1:" + backend.port() + "::rq_total::2\n");

    JsonNode dump = JSON.readTree(admin("GET", "/config_dump").body());
    assertThat(dump.at("/configs/0/@type").asText()).isEqualTo("type.googleapis.com/envoy.admin.v3.BootstrapConfigDump");
    assertThat(dump.at("/configs/2/static_listeners/0/listener/name").asText()).isEqualTo("ingress");
    assertThat(dump.at("/configs/3/static_route_configs/0/route_config/name").asText()).isEqualTo("local");
    JsonNode info = JSON.readTree(admin("GET", "/server_info").body());
    assertThat(info.get("state").asText()).isEqualTo("LIVE");
    assertThat(info.at("/node/id").asText()).startsWith("router~127.0.0.1~gw.default");
  }

  @Test
  void h2loadMultiplexesThroughABootstrapConfiguredListener() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> admin("GET", "/ready").statusCode() == 200);
    // Bounded: 2000 requests over 4 connections, 10 concurrent streams each.
    var h2load =
        Backends.run(60, "h2load", "-n", "2000", "-c", "4", "-m", "10", "http://127.0.0.1:" + proxy.listenerPort("ingress") + "/load");
    assertThat(h2load.exit()).as(h2load.out() + h2load.err()).isZero();
    assertThat(h2load.out()).contains("2000 succeeded, 0 failed, 0 errored").contains("status codes: 2000 2xx");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(admin("GET", "/stats").body()).contains("cluster.backend.upstream_rq_total: 2000\n"));
  }

  @Test
  void healthcheckFailAndQuitQuitQuit() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> admin("GET", "/ready").statusCode() == 200);
    assertThat(admin("POST", "/healthcheck/fail").statusCode()).isEqualTo(200);
    assertThat(admin("GET", "/ready").statusCode()).isEqualTo(503);
    assertThat(admin("POST", "/healthcheck/ok").statusCode()).isEqualTo(200);
    assertThat(admin("GET", "/ready").statusCode()).isEqualTo(200);

    assertThat(admin("POST", "/quitquitquit").statusCode()).isEqualTo(200);
    assertThat(proxy.awaitStopped(Duration.ofSeconds(15))).isTrue();
    var refused = Backends.run(10, "curl", "-sS", "-m", "5", "http://127.0.0.1:" + proxy.listenerPort("ingress") + "/");
    assertThat(refused.exit()).isNotZero();
  }

  @Test
  void drainListenersStopsAccepting() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> admin("GET", "/ready").statusCode() == 200);
    int port = proxy.listenerPort("ingress");
    assertThat(Backends.run(20, "curl", "-sS", "-m", "10", "http://127.0.0.1:" + port + "/").exit()).isZero();
    assertThat(admin("POST", "/drain_listeners").statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Backends.run(10, "curl", "-sS", "-m", "5", "http://127.0.0.1:" + port + "/").exit() != 0);
    assertThat(admin("GET", "/listeners").body()).isEmpty();
  }
}
