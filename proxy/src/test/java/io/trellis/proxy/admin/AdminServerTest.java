package io.trellis.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.trellis.proxy.stats.StatsStore;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin server's paths, status codes and formats, against a fixed {@link AdminTarget}; the
 * end-to-end tests check the same paths against a running proxy.
 */
class AdminServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StatsStore stats = new StatsStore();
  private final ServerState state = new ServerState(Clock.systemUTC());
  private final AtomicInteger drains = new AtomicInteger();
  private final AtomicInteger shutdowns = new AtomicInteger();
  private final HttpClient client = HttpClient.newHttpClient();
  private AdminServer admin;

  @BeforeEach
  void start() throws Exception {
    AdminTarget target =
        new AdminTarget() {
          @Override
          public Node node() {
            return Node.newBuilder().setId("sidecar~127.0.0.1~web.default~default.svc.cluster.local").setCluster("web").build();
          }

          @Override
          public String version() {
            return "trellis/test";
          }

          @Override
          public ConfigDump configDump() {
            return ConfigDump.newBuilder()
                .addConfigs(
                    Any.pack(
                        ClustersConfigDump.newBuilder()
                            .setVersionInfo("3")
                            .addStaticClusters(
                                ClustersConfigDump.StaticCluster.newBuilder()
                                    .setCluster(Any.pack(Cluster.newBuilder().setName("backend").build())))
                            .build()))
                .build();
          }

          @Override
          public List<ClusterStatus> clusters() {
            return List.of(
                new ClusterStatus("backend", false, List.of(new ClusterStatus.HostStatus("127.0.0.1:8080", true, 1, "z1", java.util.Map.of("rq_total", 3L)))));
          }

          @Override
          public List<ListenerStatus> listeners() {
            return List.of(new ListenerStatus("ingress", "127.0.0.1:10000"));
          }

          @Override
          public void drainListeners() {
            drains.incrementAndGet();
          }

          @Override
          public void requestShutdown() {
            shutdowns.incrementAndGet();
          }
        };
    admin = AdminServer.start(new InetSocketAddress("127.0.0.1", 0), state, stats, target);
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + path))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void bindsLoopback() {
    assertThat(admin.address().getAddress().isLoopbackAddress()).isTrue();
  }

  @Test
  void readyIs503UntilInitializedAndWhileHealthCheckFailed() throws Exception {
    var before = get("/ready");
    assertThat(before.statusCode()).isEqualTo(503);
    assertThat(before.body()).isEqualTo("PRE_INITIALIZING\n");
    state.markInitialized();
    var live = get("/ready");
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(live.body()).isEqualTo("LIVE\n");

    assertThat(get("/healthcheck/fail").statusCode()).isEqualTo(405);
    assertThat(post("/healthcheck/fail").statusCode()).isEqualTo(200);
    var failed = get("/ready");
    assertThat(failed.statusCode()).isEqualTo(503);
    assertThat(failed.body()).isEqualTo("DRAINING\n");
    assertThat(post("/healthcheck/ok").statusCode()).isEqualTo(200);
    assertThat(get("/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void serverInfoIsEnvoyShapedJson() throws Exception {
    state.markInitialized();
    var response = get("/server_info");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode info = JSON.readTree(response.body());
    assertThat(info.get("state").asText()).isEqualTo("LIVE");
    assertThat(info.get("version").asText()).isEqualTo("trellis/test");
    assertThat(info.at("/node/id").asText()).isEqualTo("sidecar~127.0.0.1~web.default~default.svc.cluster.local");
    assertThat(info.has("uptime_current_epoch")).isTrue();
  }

  @Test
  void configDumpCarriesTypedConfigs() throws Exception {
    var response = get("/config_dump");
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode dump = JSON.readTree(response.body());
    JsonNode clusters = dump.at("/configs/0");
    assertThat(clusters.get("@type").asText()).isEqualTo("type.googleapis.com/envoy.admin.v3.ClustersConfigDump");
    assertThat(clusters.get("version_info").asText()).isEqualTo("3");
    assertThat(clusters.at("/static_clusters/0/cluster/name").asText()).isEqualTo("backend");
    assertThat(clusters.at("/static_clusters/0/cluster/@type").asText())
        .isEqualTo("type.googleapis.com/envoy.config.cluster.v3.Cluster");
  }

  @Test
  void clustersAndListenersInTextAndJson() throws Exception {
    assertThat(get("/clusters").body())
        .contains("backend::added_via_api::false\n")
        .contains("backend::127.0.0.1:8080::health_flags::healthy\n")
        .contains("backend::127.0.0.1:8080::weight::1\n")
        .contains("backend::127.0.0.1:8080::rq_total::3\n");
    JsonNode clusters = JSON.readTree(get("/clusters?format=json").body());
    assertThat(clusters.at("/cluster_statuses/0/host_statuses/0/address/socket_address/port_value").asInt())
        .isEqualTo(8080);
    assertThat(clusters.at("/cluster_statuses/0/host_statuses/0/stats/0/value").asLong()).isEqualTo(3);
    assertThat(get("/listeners").body()).isEqualTo("ingress::127.0.0.1:10000\n");
    JsonNode listeners = JSON.readTree(get("/listeners?format=json").body());
    assertThat(listeners.at("/listener_statuses/0/local_address/socket_address/port_value").asInt()).isEqualTo(10000);
  }

  @Test
  void statsMoveAndRenderInEveryFormat() throws Exception {
    stats.counter("cluster.backend.upstream_rq_total").inc();
    assertThat(get("/stats").body()).contains("cluster.backend.upstream_rq_total: 1\n");
    stats.counter("cluster.backend.upstream_rq_total").inc();
    assertThat(get("/stats?filter=upstream_rq").body()).isEqualTo("cluster.backend.upstream_rq_total: 2\n");
    assertThat(JSON.readTree(get("/stats?format=json").body()).at("/stats/0/value").asLong()).isEqualTo(2);
    var prom = get("/stats/prometheus");
    assertThat(prom.statusCode()).isEqualTo(200);
    assertThat(prom.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain; version=0.0.4");
    assertThat(prom.body()).contains("envoy_cluster_upstream_rq_total{envoy_cluster_name=\"backend\"} 2\n");
    assertThat(get("/stats?filter=(").statusCode()).isEqualTo(400);
  }

  @Test
  void mutatingEndpointsNeedPost() throws Exception {
    assertThat(get("/drain_listeners").statusCode()).isEqualTo(405);
    assertThat(get("/quitquitquit").statusCode()).isEqualTo(405);
    assertThat(drains.get()).isZero();
    assertThat(shutdowns.get()).isZero();
    assertThat(post("/drain_listeners").statusCode()).isEqualTo(200);
    assertThat(drains.get()).isEqualTo(1);
    state.markInitialized();
    assertThat(post("/quitquitquit").statusCode()).isEqualTo(200);
    // the reply goes out before shutdown is requested, so the client may see it first
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> shutdowns.get() == 1);
    assertThat(get("/ready").body()).isEqualTo("DRAINING\n");
  }

  @Test
  void unknownPathIs404() throws Exception {
    assertThat(get("/nope").statusCode()).isEqualTo(404);
  }

  @Test
  void curlReadsPrometheusText() throws Exception {
    stats.counter("cluster.backend.upstream_rq_200").add(4);
    Process curl =
        new ProcessBuilder("curl", "-sS", "-m", "10", "http://127.0.0.1:" + admin.port() + "/stats/prometheus")
            .redirectErrorStream(true)
            .start();
    try {
      String out = new String(curl.getInputStream().readAllBytes());
      assertThat(curl.waitFor()).isZero();
      assertThat(out).contains("envoy_cluster_upstream_rq{envoy_response_code=\"200\",envoy_cluster_name=\"backend\"} 4");
    } finally {
      curl.destroyForcibly();
    }
  }
}
