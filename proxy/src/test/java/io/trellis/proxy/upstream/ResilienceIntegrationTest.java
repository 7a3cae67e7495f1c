package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.cluster.CircuitBreakers;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import io.trellis.proxy.config.cluster.OutlierDetection;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.http.testing.ProxyFixture;
import io.trellis.proxy.listener.Listeners;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.stats.StatsStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resiliency as a client sees it: the real listeners and router in front of the real cluster manager,
 * curl as the client, backends on loopback that fail on command.
 */
class ResilienceIntegrationTest {
  private Transport proxyTransport;
  private Transport backendTransport;
  private StatsStore stats;
  private UpstreamClusters clusters;
  private Listeners listeners;
  private final List<AutoCloseable> backends = new ArrayList<>();
  private ExecutorService clients;

  @BeforeEach
  void start() {
    // one proxy event loop: every request shares one pool per host, so limits are exact
    proxyTransport = Transport.create(1, "resilience-proxy");
    backendTransport = Transport.create(1, "resilience-backend");
    stats = new StatsStore();
    clusters = new UpstreamClusters(proxyTransport, stats, Clock.systemUTC(), new Random(7));
    listeners = new Listeners(proxyTransport, clusters, stats, Clock.systemUTC(), new Random(7),
        Listeners.defaultFilters(), Duration.ofSeconds(1));
    clients = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void stop() throws Exception {
    clients.shutdownNow();
    listeners.close();
    clusters.close();
    for (AutoCloseable b : backends) {
      b.close();
    }
    proxyTransport.close();
    backendTransport.close();
  }

  CommandBackend backend(String name) {
    CommandBackend b = new CommandBackend(backendTransport, name);
    backends.add(b);
    return b;
  }

  /** A listener routing everything to {@code cluster}; returns the base URL. */
  String route(String cluster) {
    RouteConfig routes = new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"), List.of(
        new Route("all", RouteMatch.prefix("/"), ForwardAction.to(cluster))))));
    listeners.applyListeners(List.of(ProxyFixture.listener("l",
        HttpConnectionManagerConfig.builder("resilience").routeConfig(routes).build())));
    return "http://127.0.0.1:" + listeners.boundPort("l");
  }

  static EndpointsConfig endpoints(String cluster, CommandBackend... bs) {
    List<LbEndpoint> eps = new ArrayList<>();
    for (CommandBackend b : bs) {
      eps.add(LbEndpoint.of("127.0.0.1", b.port()));
    }
    return EndpointsConfig.of(cluster, List.of(LocalityLbEndpoints.of(eps)));
  }

  long counter(String name) {
    return stats.counters().getOrDefault(name, 0L);
  }

  long gauge(String name) {
    return stats.gauges().getOrDefault(name, 0L);
  }

  @Test
  void circuitBreakerOverflowAnswers503WithOverloadedHeader() throws Exception {
    CommandBackend slow = backend("slow");
    clusters.applyClusters(List.of(ClusterConfig.builder("svc").loadAssignment(endpoints("svc", slow))
        .circuitBreakers(new CircuitBreakers(new CircuitBreakers.Thresholds(1, 1, 1024, 3, 1024, false),
            CircuitBreakers.Thresholds.DEFAULT))
        .build()));
    String base = route("svc");

    List<CompletableFuture<Curl.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      calls.add(CompletableFuture.supplyAsync(() -> Curl.run(base + "/delay/500"), clients));
    }
    int ok = 0;
    int overloaded = 0;
    for (CompletableFuture<Curl.Response> call : calls) {
      Curl.Response r = call.get(30, TimeUnit.SECONDS);
      if (r.status() == 200) {
        ok++;
      } else {
        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.header("x-envoy-overloaded")).isEqualTo("true");
        overloaded++;
      }
    }
    assertThat(overloaded).isGreaterThanOrEqualTo(1);
    assertThat(ok).isGreaterThanOrEqualTo(1);
    assertThat(ok + overloaded).isEqualTo(3);
    assertThat(counter("cluster.svc.upstream_rq_pending_overflow")).isEqualTo(overloaded);
    assertThat(slow.connections).hasValue(1); // max_connections 1 held
    assertThat(slow.trafficRequests).hasValue(ok);
  }

  @Test
  void aBackendAlwaysAnswering503IsEjectedAndReturnsAfterItsEjectionTime() throws Exception {
    CommandBackend a = backend("a");
    CommandBackend b = backend("b");
    CommandBackend bad = backend("bad");
    bad.mode = CommandBackend.Mode.FAIL_503;
    clusters.applyClusters(List.of(ClusterConfig.builder("svc").loadAssignment(endpoints("svc", a, b, bad))
        .outlierDetection(OutlierDetection.builder().interval(Duration.ofMillis(100))
            .baseEjectionTime(Duration.ofSeconds(3)).maxEjectionPercent(50).build())
        .build()));
    String base = route("svc");

    // round robin: the bad host answers every third request; its fifth 503 ejects it
    int errors = 0;
    for (int i = 0; i < 15; i++) {
      if (Curl.run(base + "/x").status() != 200) {
        errors++;
      }
    }
    assertThat(errors).isEqualTo(5);
    assertThat(bad.trafficRequests).hasValue(5);
    await().until(() -> gauge("cluster.svc.outlier_detection.ejections_active") == 1);
    assertThat(counter("cluster.svc.outlier_detection.ejections_enforced_consecutive_5xx")).isEqualTo(1);
    assertThat(clusters.view("svc").hosts()).filteredOn(h -> h.address().getPort() == bad.port())
        .singleElement().matches(h -> !h.healthy());

    // while ejected the bad host gets nothing and the client sees no error
    for (int i = 0; i < 6; i++) {
      assertThat(Curl.run(base + "/x").status()).isEqualTo(200);
    }
    boolean stillEjected = gauge("cluster.svc.outlier_detection.ejections_active") == 1;
    assertThat(bad.trafficRequests).hasValue(5);
    assertThat(stillEjected).as("the six requests ran within the 3 s ejection").isTrue();

    // after base_ejection_time (checked at the next 100 ms interval) it is back in rotation
    await().atMost(Duration.ofSeconds(10)).until(() -> gauge("cluster.svc.outlier_detection.ejections_active") == 0);
    for (int i = 0; i < 3; i++) {
      Curl.run(base + "/x");
    }
    assertThat(bad.trafficRequests.get()).isGreaterThan(5);
  }
}
