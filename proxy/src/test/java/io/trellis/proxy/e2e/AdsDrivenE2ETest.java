package io.trellis.proxy.e2e;

import static io.trellis.proxy.xds.XdsFixtures.badRegexRoute;
import static io.trellis.proxy.xds.XdsFixtures.edsCluster;
import static io.trellis.proxy.xds.XdsFixtures.endpoints;
import static io.trellis.proxy.xds.XdsFixtures.prefixRoute;
import static io.trellis.proxy.xds.XdsFixtures.rdsListener;
import static io.trellis.proxy.xds.XdsFixtures.routes;
import static io.trellis.proxy.xds.XdsFixtures.staticCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.trellis.proxy.bootstrap.BootstrapLoader;
import io.trellis.proxy.server.ProxyServer;
import io.trellis.proxy.xds.Backoff;
import io.trellis.proxy.xds.RouteConfigurationResource;
import io.trellis.proxy.xds.TestControlPlane;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A proxy driven over ADS by java-control-plane's server: 50 route and cluster updates under steady
 * load lose no request, and an invalid route is NACKed with its path while the last good routes serve.
 */
class AdsDrivenE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RATE_PER_SECOND = 200;
  private static final int REQUESTS = RATE_PER_SECOND * 20;
  private static final int UPDATES = 50;

  private final List<String> log = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private Backends.NamedBackend a;
  private Backends.NamedBackend b;
  private Backends.NamedBackend extra;
  private TestControlPlane controlPlane;
  private ProxyServer proxy;
  private int listenerPort;

  @BeforeEach
  void start() throws Exception {
    a = new Backends.NamedBackend("a");
    b = new Backends.NamedBackend("b");
    extra = new Backends.NamedBackend("extra");
    controlPlane = new TestControlPlane().start(0);
    listenerPort = Backends.freePort();
    publish(1);
    String yaml =
        controlPlane.adsBootstrap(
            "{id: sidecar~127.0.0.1~web-1.default~default.svc.cluster.local, cluster: web.default, metadata: {NAMESPACE: default}}");
    proxy =
        ProxyServer.start(
            BootstrapLoader.parse("ads.yaml", yaml),
            "ads.yaml",
            ProxyServer.Options.defaults()
                .withConcurrency(2)
                .withConfigLog(log::add)
                .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1))));
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    for (var backend : new Backends.NamedBackend[] {a, b, extra}) {
      if (backend != null) {
        backend.close();
      }
    }
  }

  /**
   * Version {@code v} of the mesh: odd versions send {@code /} to cluster a (STATIC), even ones to
   * cluster b (EDS), so every other update is a route change; every fourth version adds an EDS cluster
   * that the next removes, so the rest are cluster changes (with warming).
   */
  private void publish(int v) {
    List<Cluster> clusters = new ArrayList<>(List.of(staticCluster("a", a.port()), edsCluster("b")));
    List<ClusterLoadAssignment> assignments = new ArrayList<>(List.of(endpoints("b", b.port())));
    if (v % 4 == 0) {
      clusters.add(edsCluster("extra-" + v));
      assignments.add(endpoints("extra-" + v, extra.port()));
    }
    Route route = prefixRoute("/", v % 2 == 1 ? "a" : "b");
    controlPlane.set(
        Integer.toString(v), clusters, assignments, List.of(rdsListener("ingress", listenerPort, "web-routes")), List.of(routes("web-routes", route)));
  }

  private HttpResponse<String> admin(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void fiftyUpdatesUnderSteadyLoadLoseNothingThenABadRouteIsNacked() throws Exception {
    await().atMost(Duration.ofSeconds(20)).until(() -> admin("/ready").statusCode() == 200);
    assertThat(log).contains("initial configuration applied: LIVE");
    URI uri = URI.create("http://127.0.0.1:" + listenerPort + "/load");

    // Steady load: REQUESTS requests at RATE_PER_SECOND, bounded in count and in time.
    LongAdder ok = new LongAdder();
    Map<String, AtomicInteger> byBackend = new ConcurrentHashMap<>();
    List<String> failures = new CopyOnWriteArrayList<>();
    CountDownLatch done = new CountDownLatch(REQUESTS);
    AtomicInteger sent = new AtomicInteger();
    ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
    ScheduledExecutorService updater = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger version = new AtomicInteger(1);
    try {
      pacer.scheduleAtFixedRate(
          () -> {
            if (sent.incrementAndGet() > REQUESTS) {
              return;
            }
            http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString())
                .whenComplete(
                    (response, error) -> {
                      if (error != null) {
                        failures.add(error.toString());
                      } else if (response.statusCode() != 200) {
                        failures.add(response.statusCode() + " " + response.body());
                      } else {
                        ok.increment();
                        byBackend.computeIfAbsent(response.headers().firstValue("x-backend").orElse("?"), k -> new AtomicInteger()).incrementAndGet();
                      }
                      done.countDown();
                    });
          },
          0,
          1_000_000 / RATE_PER_SECOND,
          TimeUnit.MICROSECONDS);
      updater.scheduleAtFixedRate(
          () -> {
            if (version.get() <= UPDATES) {
              publish(version.incrementAndGet());
            }
          },
          200,
          380,
          TimeUnit.MILLISECONDS);
      assertThat(done.await(40, TimeUnit.SECONDS)).as("all requests completed").isTrue();
    } finally {
      pacer.shutdownNow();
      updater.shutdownNow();
    }
    assertThat(failures).isEmpty();
    assertThat(ok.sum()).isEqualTo(REQUESTS);
    assertThat(version.get()).isEqualTo(UPDATES + 1);
    String last = Integer.toString(UPDATES + 1);
    await().atMost(Duration.ofSeconds(10)).until(() -> log.contains("applied RDS version " + last + ": 1 route configurations"));
    await().atMost(Duration.ofSeconds(10)).until(() -> log.stream().anyMatch(l -> l.startsWith("applied CDS version " + last + ":")));
    // Both clusters served: the route changes took effect while the load ran.
    assertThat(byBackend.get("a").get()).isPositive();
    assertThat(byBackend.get("b").get()).isPositive();
    assertThat(log.stream().filter(l -> l.startsWith("applied RDS version"))).hasSizeGreaterThanOrEqualTo(UPDATES / 2);
    assertThat(log.stream().filter(l -> l.startsWith("applied CDS version"))).hasSizeGreaterThanOrEqualTo(UPDATES / 2);

    // An invalid route: NACKed with its path, the last good routes keep serving.
    controlPlane.set(
        "bad",
        List.of(staticCluster("a", a.port()), edsCluster("b")),
        List.of(endpoints("b", b.port())),
        List.of(rdsListener("ingress", listenerPort, "web-routes")),
        List.of(routes("web-routes", badRegexRoute("a"))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> controlPlane.requests().stream().anyMatch(r -> r.hasErrorDetail() && r.getTypeUrl().equals(RouteConfigurationResource.TYPE_URL)));
    DiscoveryRequest nack = controlPlane.requests().stream().filter(DiscoveryRequest::hasErrorDetail).findFirst().orElseThrow();
    assertThat(nack.getVersionInfo()).isEqualTo(last);
    assertThat(nack.getErrorDetail().getMessage())
        .contains("RouteConfiguration [web-routes] Virtual host [all] Route [bad] match safe_regex")
        .contains("/api/(unclosed");
    assertThat(log).anyMatch(l -> l.startsWith("NACKed RDS version bad: RouteConfiguration [web-routes]"));
    String expected = (UPDATES + 1) % 2 == 1 ? "a" : "b";
    for (int i = 0; i < 20; i++) {
      var response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("x-backend")).hasValue(expected);
    }
    JsonNode routes = JSON.readTree(admin("/config_dump").body()).at("/configs/3");
    assertThat(routes.at("/dynamic_route_configs/0/version_info").asText()).isEqualTo(last);
    assertThat(routes.at("/dynamic_route_configs/0/error_state/version_info").asText()).isEqualTo("bad");
    assertThat(routes.at("/dynamic_route_configs/0/error_state/details").asText()).contains("safe_regex");
    assertThat(admin("/stats").body()).contains("http.rds.update_rejected: 1\n");

    // A listener that validates but cannot bind (its port is taken) is NACKed too, as in Envoy; the
    // running listener keeps serving.
    try (var taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      controlPlane.set(
          "bind",
          List.of(staticCluster("a", a.port()), edsCluster("b")),
          List.of(endpoints("b", b.port())),
          List.of(rdsListener("ingress", listenerPort, "web-routes"), rdsListener("blocked", taken.getLocalPort(), "web-routes")),
          List.of(routes("web-routes", prefixRoute("/", "a"))));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> controlPlane.requests().stream().anyMatch(r -> r.hasErrorDetail() && r.getTypeUrl().equals(io.trellis.proxy.xds.ListenerResource.TYPE_URL)));
      DiscoveryRequest ldsNack =
          controlPlane.requests().stream().filter(r -> r.hasErrorDetail() && r.getTypeUrl().equals(io.trellis.proxy.xds.ListenerResource.TYPE_URL)).findFirst().orElseThrow();
      assertThat(ldsNack.getVersionInfo()).isEqualTo("bad");
      assertThat(ldsNack.getErrorDetail().getMessage()).contains("blocked");
      assertThat(proxy.listenerPort("blocked")).isEqualTo(-1);
      var response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("x-backend")).hasValue("a");
      assertThat(admin("/stats").body()).contains("listener_manager.lds.update_rejected: 1\n");
    }
  }
}
