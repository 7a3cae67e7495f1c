package io.trellis.proxy.http.filter.fault;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.HttpFilterConfig;
import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.HeaderMatcher;
import io.trellis.proxy.config.route.HeaderMutations;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.StringMatcher;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.http.testing.ProxyFixture;
import io.trellis.proxy.http.testing.TestBackend;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The fault filter in a real listener, with curl as the client and a real backend. */
@ExtendWith(LeakCheck.class)
class FaultFilterTest {
  private static final String FAULT = "envoy.filters.http.fault";

  /** One route to cluster "a" carrying {@code perRoute} as its fault override, with a route timeout. */
  private static int proxy(ProxyFixture f, FaultConfig filterLevel, FaultConfig perRoute, Duration routeTimeout) {
    ForwardAction action = ForwardAction.builder(new ClusterSpecifier.Cluster("a")).timeout(routeTimeout).build();
    Map<String, Object> perFilter = perRoute == null ? Map.of() : Map.of(FAULT, perRoute);
    Route route = new Route("all", RouteMatch.prefix("/"), action, HeaderMutations.NONE, perFilter);
    RouteConfig routes = new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"), List.of(route))));
    // use_remote_address: the loopback client is internal, so its x-envoy-fault-* headers are honoured
    HttpConnectionManagerConfig hcm = HttpConnectionManagerConfig.builder("ingress").routeConfig(routes)
        .useRemoteAddress(true)
        .httpFilters(List.of(
            new HttpFilterConfig(FAULT, FaultFilterProvider.TYPE_URL, filterLevel, false),
            HttpFilterConfig.router()))
        .build();
    return f.http(hcm);
  }

  private static FaultConfig abort(int status) {
    return new FaultConfig(null, new FaultConfig.Abort(status, null, false, null), List.of(), null);
  }

  private static FaultConfig delay(Duration d) {
    return new FaultConfig(new FaultConfig.Delay(d, null), null, List.of(), null);
  }

  @Test
  void aRouteAbortAnswersLocallyAndNeverReachesTheBackend() {
    try (ProxyFixture f = new ProxyFixture()) {
      TestBackend a = f.backend("a");
      int port = proxy(f, null, abort(503), Duration.ofSeconds(15));
      Curl.Response r = Curl.run("http://127.0.0.1:" + port + "/ratings/0");
      assertThat(r.status()).isEqualTo(503);
      assertThat(r.body()).isEqualTo("fault filter abort");
      assertThat(a.requests.get()).isZero();
      assertThat(f.counter("http.ingress.fault.aborts_injected")).isEqualTo(1);
      assertThat(f.counter("http.ingress.fault.delays_injected")).isZero();
    }
  }

  @Test
  void onlyRequestsMatchingTheHeadersAreFaulted() {
    try (ProxyFixture f = new ProxyFixture()) {
      TestBackend a = f.backend("a");
      HeaderMatcher jason = HeaderMatcher.string("end-user", new StringMatcher(StringMatcher.Kind.EXACT, "jason", false));
      FaultConfig config = new FaultConfig(null, new FaultConfig.Abort(500, null, false, null), List.of(jason), null);
      int port = proxy(f, null, config, Duration.ofSeconds(15));
      String url = "http://127.0.0.1:" + port + "/ratings/0";
      assertThat(Curl.run("-H", "end-user: jason", url).status()).isEqualTo(500);
      assertThat(Curl.run("-H", "end-user: maria", url).status()).isEqualTo(200);
      assertThat(Curl.run(url).status()).isEqualTo(200);
      assertThat(a.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void aDelayHoldsTheRequestThenForwardsIt() {
    try (ProxyFixture f = new ProxyFixture()) {
      TestBackend a = f.backend("a");
      int port = proxy(f, delay(Duration.ofMillis(600)), null, Duration.ofSeconds(15));
      long start = System.nanoTime();
      Curl.Response r = Curl.run("http://127.0.0.1:" + port + "/details/0");
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(r.status()).isEqualTo(200);
      assertThat(elapsedMs).isGreaterThanOrEqualTo(600);
      assertThat(a.requests.get()).isEqualTo(1);
      assertThat(f.counter("http.ingress.fault.delays_injected")).isEqualTo(1);
    }
  }

  /** Issue 4's acceptance: a 7 s delay under a 3 s route timeout ends with 504 after 3 s ± 10%. */
  @Test
  void aDelayLongerThanTheRouteTimeoutEndsInAGatewayTimeoutWhenTheTimeoutExpires() {
    try (ProxyFixture f = new ProxyFixture()) {
      TestBackend a = f.backend("a");
      int port = proxy(f, null, delay(Duration.ofSeconds(7)), Duration.ofSeconds(3));
      long start = System.nanoTime();
      Curl.Response r = Curl.run("http://127.0.0.1:" + port + "/ratings/0");
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(r.status()).isEqualTo(504);
      assertThat(elapsedMs).isBetween(2_700L, 3_300L);
      assertThat(a.requests.get()).isZero();
    }
  }

  @Test
  void headerControlledAbortsAndDelays() {
    try (ProxyFixture f = new ProxyFixture()) {
      f.backend("a");
      FaultConfig byHeader = new FaultConfig(
          new FaultConfig.Delay(null, null), new FaultConfig.Abort(0, null, true, null), List.of(), null);
      int port = proxy(f, byHeader, null, Duration.ofSeconds(15));
      String url = "http://127.0.0.1:" + port + "/x";
      assertThat(Curl.run("-H", "x-envoy-fault-abort-request: 429", url).status()).isEqualTo(429);
      assertThat(Curl.run("-H", "x-envoy-fault-abort-request: not-a-number", url).status()).isEqualTo(200);
      long start = System.nanoTime();
      assertThat(Curl.run("-H", "x-envoy-fault-delay-request: 400", url).status()).isEqualTo(200);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(400);
      assertThat(Curl.run(url).status()).isEqualTo(200);
      assertThat(f.counter("http.ingress.fault.aborts_injected")).isEqualTo(1);
      assertThat(f.counter("http.ingress.fault.delays_injected")).isEqualTo(1);
    }
  }

  @Test
  void aGrpcAbortIsAGrpcStatusOnATrailersOnlyResponse() {
    try (ProxyFixture f = new ProxyFixture()) {
      TestBackend a = f.backend("a");
      FaultConfig grpc = new FaultConfig(null, new FaultConfig.Abort(0, 14, false, null), List.of(), null);
      int port = proxy(f, null, grpc, Duration.ofSeconds(15));
      Curl.Response r = Curl.run("--http2-prior-knowledge", "-H", "content-type: application/grpc", "-H", "te: trailers",
          "--data-binary", "", "http://127.0.0.1:" + port + "/helloworld.Greeter/SayHello");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("grpc-status")).isEqualTo("14");
      assertThat(r.header("grpc-message")).isEqualTo("fault filter abort");
      assertThat(a.requests.get()).isZero();
    }
  }

  @Test
  void maxActiveFaultsLetsTheOverflowThroughUnfaulted() throws Exception {
    try (ProxyFixture f = new ProxyFixture()) {
      TestBackend a = f.backend("a");
      FaultConfig one = new FaultConfig(new FaultConfig.Delay(Duration.ofMillis(1500), null), null, List.of(), 1);
      int port = proxy(f, one, null, Duration.ofSeconds(15));
      String url = "http://127.0.0.1:" + port + "/x";
      CompletableFuture<Curl.Response> held = CompletableFuture.supplyAsync(() -> Curl.run(url));
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5))
          .until(() -> f.counter("http.ingress.fault.delays_injected") == 1);
      assertThat(Curl.run(url).status()).isEqualTo(200);
      assertThat(a.requests.get()).isEqualTo(1); // the overflow went straight through while the first was held
      assertThat(f.counter("http.ingress.fault.faults_overflow")).isEqualTo(1);
      assertThat(held.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(a.requests.get()).isEqualTo(2);
    }
  }

  @Test
  void percentagesSelectTheirShareOfRequests() {
    FaultConfig.Percentage quarter = new FaultConfig.Percentage(2_500, 10_000);
    java.util.Random random = new java.util.Random(7);
    int hits = 0;
    for (int i = 0; i < 20_000; i++) {
      hits += quarter.roll(random) ? 1 : 0;
    }
    assertThat(hits / 20_000.0).isBetween(0.24, 0.26);
    assertThat(new FaultConfig.Percentage(150, 100)).isEqualTo(new FaultConfig.Percentage(100, 100));
    assertThat(new FaultConfig.Percentage(0, 100).roll(random)).isFalse();
    assertThat(new FaultConfig.Percentage(50, 100).capped(10)).isEqualTo(new FaultConfig.Percentage(10, 100));
  }
}
