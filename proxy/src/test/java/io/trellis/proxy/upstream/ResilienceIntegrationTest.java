package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.cluster.CircuitBreakers;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.HealthCheck;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import io.trellis.proxy.config.cluster.OutlierDetection;
import io.trellis.proxy.config.listener.FilterChainConfig;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.listener.Listeners;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.stats.StatsStore;
import java.nio.charset.StandardCharsets;
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
    // Built here rather than with ProxyFixture, whose class initializer turns Netty's leak detector to
    // PARANOID for the rest of the JVM and slows every later test that moves many bytes.
    listeners.applyListeners(List.of(ListenerConfig.builder("l", "127.0.0.1", 0)
        .filterChains(List.of(new FilterChainConfig("default", null,
            HttpConnectionManagerConfig.builder("resilience").routeConfig(routes).build())))
        .build()));
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
  void aHostThatHangsPastTheRouteTimeoutIsEjectedByOutlierDetection() throws Exception {
    CommandBackend a = backend("a");
    CommandBackend hang = backend("hang");
    hang.mode = CommandBackend.Mode.HANG;
    clusters.applyClusters(List.of(ClusterConfig.builder("svc").loadAssignment(endpoints("svc", a, hang))
        .outlierDetection(OutlierDetection.builder().consecutive5xx(2).interval(Duration.ofMillis(100))
            .baseEjectionTime(Duration.ofSeconds(30)).maxEjectionPercent(50).build())
        .build()));
    RouteConfig routes = new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"), List.of(
        new Route("all", RouteMatch.prefix("/"),
            ForwardAction.builder(new io.trellis.proxy.config.route.ClusterSpecifier.Cluster("svc"))
                .timeout(Duration.ofMillis(300)).build())))));
    listeners.applyListeners(List.of(ListenerConfig.builder("l", "127.0.0.1", 0)
        .filterChains(List.of(new FilterChainConfig("default", null,
            HttpConnectionManagerConfig.builder("resilience").routeConfig(routes).build())))
        .build()));
    String base = "http://127.0.0.1:" + listeners.boundPort("l");

    // round robin: every other request reaches the hanging host and times out (504); two such
    // timeouts count as two consecutive 5xx and eject it
    int timeouts = 0;
    for (int i = 0; i < 4; i++) {
      if (Curl.run(base + "/x").status() == 504) {
        timeouts++;
      }
    }
    assertThat(timeouts).isEqualTo(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> gauge("cluster.svc.outlier_detection.ejections_active") == 1);
    for (int i = 0; i < 6; i++) {
      assertThat(Curl.run(base + "/x").status()).isEqualTo(200);
    }
    assertThat(hang.trafficRequests).hasValue(2);
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
        .singleElement().matches(h -> !h.healthy() && h.healthFlags().equals(java.util.Set.of(HealthFlag.FAILED_OUTLIER_CHECK)));

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

  private static HealthCheck fastHttpCheck(int unhealthyThreshold, int healthyThreshold) {
    return HealthCheck.of(Duration.ofMillis(500), Duration.ofMillis(200), unhealthyThreshold, healthyThreshold,
        HealthCheck.Http.path("/healthz")).withNoTrafficInterval(Duration.ofMillis(200));
  }

  private boolean healthy(String cluster, CommandBackend b) {
    return clusters.view(cluster).hosts().stream().filter(h -> h.address().getPort() == b.port())
        .findFirst().orElseThrow().healthy();
  }

  @Test
  void aHealthCheckedHostThatHangsLeavesAfterTheThresholdAndReturnsAfterHealthyThresholdPasses() throws Exception {
    CommandBackend a = backend("a");
    CommandBackend b = backend("b");
    clusters.applyClusters(List.of(ClusterConfig.builder("svc").loadAssignment(endpoints("svc", a, b))
        .healthChecks(List.of(fastHttpCheck(3, 2))).build()));
    String base = route("svc");
    await().until(() -> clusters.isWarm("svc")); // warm once each host had its first check
    assertThat(healthy("svc", a)).isTrue();
    assertThat(healthy("svc", b)).isTrue();
    assertThat(gauge("cluster.svc.health_check.healthy")).isEqualTo(2);

    int checksBefore = b.healthRequests.get();
    long start = System.nanoTime();
    b.healthMode = CommandBackend.Mode.HANG; // checks time out: three in a row are needed
    await().atMost(Duration.ofSeconds(15)).until(() -> !healthy("svc", b));
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    // three timeouts of 500 ms, 200 ms apart: never sooner than the threshold allows
    assertThat(tookMs).isGreaterThanOrEqualTo(2 * 500);
    assertThat(b.healthRequests.get() - checksBefore).isGreaterThanOrEqualTo(3);
    assertThat(counter("cluster.svc.health_check.network_failure")).isGreaterThanOrEqualTo(3);

    int trafficBefore = b.trafficRequests.get();
    for (int i = 0; i < 6; i++) {
      Curl.Response r = Curl.run(base + "/x");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("x-backend")).isEqualTo("a");
    }
    assertThat(b.trafficRequests.get()).isEqualTo(trafficBefore);

    int passesBefore = b.healthRequests.get();
    b.healthMode = CommandBackend.Mode.OK;
    await().atMost(Duration.ofSeconds(15)).until(() -> healthy("svc", b));
    assertThat(b.healthRequests.get() - passesBefore).isGreaterThanOrEqualTo(2); // healthy_threshold 2
    await().untilAsserted(() -> assertThat(Curl.run(base + "/y").header("x-backend")).isEqualTo("b"));
  }

  @Test
  void anUnexpectedStatusFailsAHostAtOnce() throws Exception {
    CommandBackend a = backend("a");
    clusters.applyClusters(List.of(ClusterConfig.builder("svc").loadAssignment(endpoints("svc", a))
        .healthChecks(List.of(fastHttpCheck(1000, 1))).build()));
    await().until(() -> clusters.isWarm("svc") && healthy("svc", a));
    a.healthMode = CommandBackend.Mode.FAIL_503; // not retriable: no threshold to wait for
    await().atMost(Duration.ofSeconds(10)).until(() -> !healthy("svc", a));
    assertThat(gauge("cluster.svc.health_check.healthy")).isZero();
  }

  @Test
  void tcpChecksConnectOrMatchTheAnswer() throws Exception {
    CommandBackend a = backend("a");
    clusters.applyClusters(List.of(
        ClusterConfig.builder("connect").loadAssignment(endpoints("connect", a))
            .healthChecks(List.of(HealthCheck.of(Duration.ofMillis(500), Duration.ofMillis(200), 1, 1,
                HealthCheck.Tcp.connectOnly()).withNoTrafficInterval(Duration.ofMillis(200)))).build(),
        ClusterConfig.builder("payload").loadAssignment(endpoints("payload", a))
            .healthChecks(List.of(HealthCheck.of(Duration.ofMillis(500), Duration.ofMillis(200), 1, 1,
                new HealthCheck.Tcp("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                    List.of("HTTP/1.1".getBytes(StandardCharsets.US_ASCII), " 200".getBytes(StandardCharsets.US_ASCII))))
                .withNoTrafficInterval(Duration.ofMillis(200)))).build()));
    await().until(() -> clusters.isWarm("connect") && clusters.isWarm("payload"));
    await().until(() -> healthy("connect", a) && healthy("payload", a));
    a.healthMode = CommandBackend.Mode.FAIL_503; // the answer no longer contains " 200"; connecting still works
    await().atMost(Duration.ofSeconds(10)).until(() -> !healthy("payload", a));
    assertThat(healthy("connect", a)).isTrue();
  }

  @Test
  void whenEveryPriority0HostFailsItsChecksTrafficFailsOverToPriority1WithoutErrors() throws Exception {
    CommandBackend local1 = backend("local-1");
    CommandBackend local2 = backend("local-2");
    CommandBackend remote = backend("remote");
    EndpointsConfig assignment = EndpointsConfig.of("svc", List.of(
        new LocalityLbEndpoints(new Host.Locality("r", "zone-a", ""), List.of(
            LbEndpoint.of("127.0.0.1", local1.port()), LbEndpoint.of("127.0.0.1", local2.port())), 1, 0),
        new LocalityLbEndpoints(new Host.Locality("r", "zone-b", ""), List.of(
            LbEndpoint.of("127.0.0.1", remote.port())), 1, 1)));
    clusters.applyClusters(List.of(ClusterConfig.builder("svc").loadAssignment(assignment)
        .healthChecks(List.of(fastHttpCheck(2, 1))).build()));
    String base = route("svc");
    await().until(() -> clusters.isWarm("svc") && healthy("svc", local1) && healthy("svc", local2));

    for (int i = 0; i < 10; i++) { // all healthy: priority 0 takes everything
      assertThat(Curl.run(base + "/x").header("x-backend")).startsWith("local-");
    }
    assertThat(remote.trafficRequests).hasValue(0);

    local1.healthMode = CommandBackend.Mode.FAIL_503;
    local2.healthMode = CommandBackend.Mode.FAIL_503;
    await().atMost(Duration.ofSeconds(10)).until(() -> !healthy("svc", local1) && !healthy("svc", local2));
    await().until(() -> gauge("cluster.svc.membership_healthy") == 1); // the balancer was rebuilt

    int errors = 0;
    for (int i = 0; i < 20; i++) {
      Curl.Response r = Curl.run(base + "/x");
      if (r.status() != 200 || !"remote".equals(r.header("x-backend"))) {
        errors++;
      }
    }
    assertThat(errors).isZero();
    assertThat(remote.trafficRequests).hasValue(20);

    // priority 0 recovers: traffic comes home
    local1.healthMode = CommandBackend.Mode.OK;
    local2.healthMode = CommandBackend.Mode.OK;
    await().atMost(Duration.ofSeconds(10)).until(() -> healthy("svc", local1) && healthy("svc", local2));
    await().until(() -> gauge("cluster.svc.membership_healthy") == 3);
    for (int i = 0; i < 5; i++) {
      assertThat(Curl.run(base + "/x").header("x-backend")).startsWith("local-");
    }
  }
}
