package io.trellis.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.trellis.control.admin.AdminClient;
import io.trellis.control.admin.ControlPlaneInfo;
import io.trellis.control.admin.StateDirectory;
import io.trellis.control.xds.AdsTestClient;
import io.trellis.control.xds.TestResources;
import io.trellis.control.xds.XdsType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The assembled control plane on real sockets: config directory and API → debounced push → a raw
 * ADS client; the token-guarded API; state files; status, proxy config and metrics.
 */
class ControlPlaneTest {
  private static final String SIDECAR = "sidecar~10.0.0.1~productpage-1.default~default.svc.cluster.local";

  static String vs(String name, String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: %s
        spec:
          hosts: [%s]
          http:
          - route:
            - destination:
                host: %s
                subset: %s
        """.formatted(name, name, name, subset);
  }

  @TempDir Path config;
  @TempDir Path state;
  private ControlPlane cp;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    Files.writeString(config.resolve("reviews.yaml"), vs("reviews", "v1"));
    cp =
        ControlPlane.start(
            ControlPlane.Options.defaults(config, new StateDirectory(state)).withPorts(0, 0, 0),
            new VirtualServiceClusters(),
            Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    cp.close();
  }

  private HttpResponse<String> call(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.info().apiPort() + path));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String token() throws Exception {
    return Files.readString(state.resolve("api-token")).strip();
  }

  @Test
  void stateFilesNameTheControlPlaneAndTheTokenIsPrivate() throws Exception {
    ControlPlaneInfo info = new StateDirectory(state).readInfo().orElseThrow();
    assertThat(info.pid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(info.apiPort()).isEqualTo(cp.info().apiPort()).isPositive();
    assertThat(info.xdsPort()).isEqualTo(cp.xds().port());
    assertThat(info.tokenFile()).isEqualTo(state.resolve("api-token"));
    assertThat(Files.getPosixFilePermissions(state.resolve("api-token"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(token()).hasSize(43); // 256 bits, base64url without padding
    cp.close();
    assertThat(state.resolve("control-plane.json")).doesNotExist();
    assertThat(state.resolve("api-token")).doesNotExist();
  }

  @Test
  void theApiRefusesRequestsWithoutTheToken() throws Exception {
    assertThat(call("GET", "/v1/proxy-status", null, null).statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = call("POST", "/v1/apply", "not-the-token", vs("ratings", "v1"));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(cp.store().snapshot().resources()).hasSize(1);
    assertThat(call("GET", "/v1/proxy-status", token(), null).statusCode()).isEqualTo(200);
  }

  @Test
  void wrongMethodsPathsAndOversizedBodiesAreRefused() throws Exception {
    assertThat(call("GET", "/v1/apply", token(), null).statusCode()).isEqualTo(405);
    assertThat(call("GET", "/v1/nothing", token(), null).statusCode()).isEqualTo(404);
    HttpResponse<String> big = call("POST", "/v1/apply", token(), "#".repeat(4 * 1024 * 1024 + 1));
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(cp.store().snapshot().resources()).hasSize(1);
  }

  @Test
  void invalidApplyIsRejectedWithMessagesAndChangesNothing() throws Exception {
    long before = cp.store().snapshot().version();
    String bad = vs("reviews", "v2").replace("subset: v2", "subset: v2\n        weight: -5\n        bogus: 1");
    HttpResponse<String> r = call("POST", "/v1/apply", token(), bad);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode body = new ObjectMapper().readTree(r.body());
    assertThat(body.get("ok").asBoolean()).isFalse();
    assertThat(body.get("problems").toString()).contains("request.yaml:").contains("VirtualService default/reviews").contains("bogus");
    assertThat(cp.store().snapshot().version()).isEqualTo(before);
  }

  @Test
  void applyAndDeleteReachConnectedProxiesAndStatusShowsThem() throws Exception {
    try (AdsTestClient proxy = AdsTestClient.sotw(cp.xds().port(), TestResources.node(SIDECAR))) {
      proxy.subscribe(XdsType.CLUSTER);
      DiscoveryResponse first = proxy.next(XdsType.CLUSTER);
      assertThat(first.getResourcesList()).hasSize(1);
      proxy.ack(first);

      AdminClient client = AdminClient.connect(new StateDirectory(state));
      AdminClient.ChangeResult applied = client.apply("ratings.yaml", vs("ratings", "v2"));
      assertThat(applied.ok()).isTrue();
      assertThat(applied.keys()).containsExactly("VirtualService default/ratings");
      assertThat(cp.store().snapshot().resources()).hasSize(2);

      // The change goes through the debouncer and reaches the proxy.
      DiscoveryResponse second = proxy.next(XdsType.CLUSTER);
      assertThat(second.getResourcesList())
          .extracting(a -> TestResources.unpackCluster(a).getName())
          .containsExactly("outbound|80|v1|reviews.default.svc.cluster.local", "outbound|80|v2|ratings.default.svc.cluster.local");
      proxy.ack(second);

      await().untilAsserted(() -> assertThat(client.proxyStatus(false)).contains(SIDECAR).containsPattern("SIDECAR\\s+SYNCED\\s+NOT SENT"));
      JsonNode status = new ObjectMapper().readTree(client.proxyStatus(true));
      assertThat(status.at("/proxies/0/types/CDS/state").asText()).isEqualTo("SYNCED");

      String table = client.proxyConfig("clusters", SIDECAR, false);
      assertThat(table).startsWith("SERVICE FQDN").contains("ratings.default.svc.cluster.local  80    v2      outbound");
      String json = client.proxyConfig("clusters", SIDECAR, true);
      JsonNode clusters = new ObjectMapper().readTree(json);
      assertThat(clusters).hasSize(2);
      assertThat(clusters.get(1).get("name").asText()).isEqualTo("outbound|80|v2|ratings.default.svc.cluster.local");
      assertThat(clusters.get(1).get("type").asText()).isEqualTo("EDS");

      AdminClient.ChangeResult notApplied = client.delete("reviews.yaml", vs("reviews", "v1"));
      assertThat(notApplied.ok()).isFalse();
      assertThat(notApplied.problems()).singleElement().satisfies(m -> assertThat(m).contains("was not applied through the API"));

      assertThat(client.delete("ratings.yaml", vs("ratings", "v2")).ok()).isTrue();
      assertThat(proxy.next(XdsType.CLUSTER).getResourcesList()).hasSize(1);

      // Metrics are recorded just after a response is written: wait for the scrape to catch up.
      await().untilAsserted(() -> {
        HttpResponse<String> metrics =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cp.info().monitoringPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
            .contains("pilot_xds_pushes{type=\"cds\"} 3")
            .contains("pilot_xds 1")
            .contains("pilot_total_xds_rejects{type=\"cds\"} 0")
            .contains("pilot_proxy_convergence_time_bucket")
            .contains("pilot_xds_push_time_count");
      });
    }
  }

  @Test
  void unknownProxyAndBadSectionAreClearErrors() throws Exception {
    AdminClient client = AdminClient.connect(new StateDirectory(state));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.proxyConfig("clusters", "nobody", false))
        .hasMessageContaining("no connected proxy has id \"nobody\"");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.proxyConfig("secrets", "nobody", false))
        .hasMessageContaining("expected: clusters, endpoints, listeners or routes");
  }

  @Test
  void aChangedFileInTheDirectoryIsPushed() throws Exception {
    try (AdsTestClient proxy = AdsTestClient.sotw(cp.xds().port(), TestResources.node(SIDECAR))) {
      proxy.subscribe(XdsType.CLUSTER);
      proxy.ack(proxy.next(XdsType.CLUSTER));
      Files.writeString(config.resolve("reviews.yaml"), vs("reviews", "v3"));
      DiscoveryResponse r = proxy.next(XdsType.CLUSTER);
      assertThat(TestResources.unpackCluster(r.getResources(0)).getName()).isEqualTo("outbound|80|v3|reviews.default.svc.cluster.local");
    }
  }

  @Test
  void withoutAControlPlaneTheCommandsSayHowToStartOne() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> AdminClient.connect(new StateDirectory(config.resolve("nowhere"))))
        .hasMessageContaining("no running control plane found")
        .hasMessageContaining("trellis control-plane");
  }
}
