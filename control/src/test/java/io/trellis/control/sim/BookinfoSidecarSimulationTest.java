package io.trellis.control.sim;

import static io.trellis.control.sim.Bookinfo.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Istio's Bookinfo tasks, simulated from productpage's sidecar: which route and cluster each call
 * reaches under each task's configuration.
 */
class BookinfoSidecarSimulationTest {

  private static Result call(Mesh mesh, String host, String path) {
    return call(mesh, Request.http(host, 9080, path));
  }

  private static Result call(Mesh mesh, Request r) {
    return new Simulator(mesh.generate(Mesh.productpage())).run(r);
  }

  @Test
  void withoutVirtualServicesReviewsGoesToEveryVersion() {
    Result r = call(Mesh.bookinfo(), "reviews:9080", "/reviews/0");
    assertThat(r.error()).isEmpty();
    assertThat(r.listener()).isEqualTo("0.0.0.0_9080");
    assertThat(r.routeConfig()).isEqualTo("9080");
    assertThat(r.virtualHost()).isEqualTo("reviews.default.svc.cluster.local:9080");
    assertThat(r.singleCluster()).isEqualTo(cluster("", "reviews"));
    assertThat(r.endpoints()).containsExactly("10.1.0.13:9080", "10.1.0.14:9080", "10.1.0.15:9080");
  }

  @ParameterizedTest(name = "{0} reaches reviews")
  @CsvSource({"reviews", "reviews:9080", "reviews.default", "reviews.default:9080", "reviews.default.svc", "reviews.default.svc.cluster.local",
      "reviews.default.svc.cluster.local:9080", "10.96.0.13", "10.96.0.13:9080", "REVIEWS.default.svc.cluster.local"})
  void everyNameOfAServiceReachesIt(String host) {
    assertThat(call(Mesh.bookinfo(), host, "/").singleCluster()).isEqualTo(cluster("", "reviews"));
  }

  @Test
  void theDefaultRouteCarriesIstiosDefaultRetryPolicyAndNoTimeout() {
    Result r = call(Mesh.bookinfo(), "ratings", "/ratings/0");
    var retry = r.route().getRoute().getRetryPolicy();
    assertThat(retry.getNumRetries().getValue()).isEqualTo(2);
    assertThat(retry.getRetryOn()).isEqualTo("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes");
    assertThat(retry.getRetriableStatusCodesList()).containsExactly(503);
    assertThat(retry.getRetryHostPredicate(0).getName()).isEqualTo("envoy.retry_host_predicates.previous_hosts");
    assertThat(retry.getHostSelectionRetryMaxAttempts()).isEqualTo(5);
    assertThat(r.route().getRoute().getTimeout().getSeconds()).isZero();
  }

  @ParameterizedTest(name = "all-v1: {0} → v1")
  @CsvSource({"productpage", "reviews", "ratings", "details"})
  void allV1SendsEveryServiceToV1(String service) {
    Result r = call(Bookinfo.with("virtual-service-all-v1.yaml"), service, "/");
    assertThat(r.singleCluster()).isEqualTo(cluster("v1", service));
    assertThat(r.endpoints()).hasSize(1);
  }

  @Test
  void allV1ReviewsEndpointIsTheV1Pod() {
    assertThat(call(Bookinfo.with("virtual-service-all-v1.yaml"), "reviews", "/").endpoints()).containsExactly("10.1.0.13:9080");
  }

  @ParameterizedTest(name = "test-v2: end-user={0} → {1}")
  @CsvSource({"jason, v2", "bob, v1", "Jason, v1", "jason2, v1"})
  void reviewsTestV2RoutesJasonToV2(String user, String subset) {
    Mesh mesh = Bookinfo.with("virtual-service-all-v1.yaml", "virtual-service-reviews-test-v2.yaml");
    assertThat(call(mesh, Request.http("reviews:9080", 9080, "/reviews/0").header("end-user", user)).singleCluster())
        .isEqualTo(cluster(subset, "reviews"));
  }

  @Test
  void reviewsTestV2WithoutTheHeaderIsV1() {
    Mesh mesh = Bookinfo.with("virtual-service-all-v1.yaml", "virtual-service-reviews-test-v2.yaml");
    assertThat(call(mesh, "reviews", "/reviews/0").singleCluster()).isEqualTo(cluster("v1", "reviews"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "virtual-service-reviews-50-v3.yaml, v1=50 v3=50",
    "virtual-service-reviews-80-20.yaml, v1=80 v2=20",
    "virtual-service-reviews-90-10.yaml, v1=90 v2=10",
    "virtual-service-reviews-v2-v3.yaml, v2=50 v3=50",
    "virtual-service-reviews-v3.yaml, v3=100"
  })
  void trafficShiftingSplitsByWeight(String file, String expected) {
    Result r = call(Bookinfo.with(file), "reviews", "/reviews/0");
    Map<String, Integer> want = new java.util.LinkedHashMap<>();
    for (String part : expected.split(" ")) {
      String[] kv = part.split("=");
      want.put(cluster(kv[0], "reviews"), Integer.parseInt(kv[1]));
    }
    assertThat(r.clusters()).containsExactlyEntriesOf(want);
    assertThat(r.error()).isEmpty();
  }

  @ParameterizedTest(name = "jason-v2-v3: end-user={0} → {1}")
  @CsvSource({"jason, v2", "mary, v3"})
  void jasonV2OthersV3(String user, String subset) {
    Mesh mesh = Bookinfo.with("virtual-service-reviews-jason-v2-v3.yaml");
    assertThat(call(mesh, Request.http("reviews", 9080, "/").header("end-user", user)).singleCluster())
        .isEqualTo(cluster(subset, "reviews"));
  }

  private static HTTPFault fault(Result r) throws InvalidProtocolBufferException {
    return r.route().getTypedPerFilterConfigOrThrow("envoy.filters.http.fault").unpack(HTTPFault.class);
  }

  @Test
  void ratingsDelayForJasonIsSevenSecondsAlways() throws Exception {
    Mesh mesh = Bookinfo.with("virtual-service-all-v1.yaml", "virtual-service-reviews-test-v2.yaml", "virtual-service-ratings-test-delay.yaml");
    Result jason = call(mesh, Request.http("ratings:9080", 9080, "/ratings/0").header("end-user", "jason"));
    assertThat(jason.singleCluster()).isEqualTo(cluster("v1", "ratings"));
    HTTPFault f = fault(jason);
    assertThat(f.getDelay().getFixedDelay().getSeconds()).isEqualTo(7);
    assertThat(f.getDelay().getPercentage().getNumerator()).isEqualTo(1_000_000);
    assertThat(f.getDelay().getPercentage().getDenominator()).isEqualTo(FractionalPercent.DenominatorType.MILLION);
    Result other = call(mesh, "ratings", "/ratings/0");
    assertThat(other.route().getTypedPerFilterConfigMap()).doesNotContainKey("envoy.filters.http.fault");
    assertThat(other.singleCluster()).isEqualTo(cluster("v1", "ratings"));
  }

  @Test
  void ratingsAbortForJasonIs500Always() throws Exception {
    Mesh mesh = Bookinfo.with("virtual-service-all-v1.yaml", "virtual-service-ratings-test-abort.yaml");
    Result jason = call(mesh, Request.http("ratings", 9080, "/ratings/0").header("end-user", "jason"));
    HTTPFault f = fault(jason);
    assertThat(f.getAbort().getHttpStatus()).isEqualTo(500);
    assertThat(f.getAbort().getPercentage().getNumerator()).isEqualTo(1_000_000);
    assertThat(fault(jason).hasDelay()).isFalse();
  }

  @Test
  void theSidecarHttpFilterChainHasTheFaultFilterBeforeTheRouter() {
    var listener = (io.envoyproxy.envoy.config.listener.v3.Listener)
        Mesh.bookinfo().generate(Mesh.productpage()).ofType(io.trellis.control.xds.XdsType.LISTENER).get("0.0.0.0_9080").message();
    var hcm = Simulator.unpack(listener.getFilterChains(0).getFilters(0),
        io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager.class);
    assertThat(hcm.getHttpFiltersList()).extracting(h -> h.getName())
        .containsExactly("envoy.filters.http.cors", "envoy.filters.http.fault", "envoy.filters.http.router");
  }

  @Test
  void requestTimeoutTaskSetsHalfASecondOnReviews() {
    Mesh mesh = Bookinfo.with("virtual-service-request-timeout.yaml");
    Result r = call(mesh, "reviews", "/reviews/0");
    assertThat(r.singleCluster()).isEqualTo(cluster("v2", "reviews"));
    assertThat(r.route().getRoute().getTimeout().getNanos()).isEqualTo(500_000_000);
    Result ratings = call(mesh, "ratings", "/ratings/0");
    assertThat(ratings.route().getTypedPerFilterConfigMap()).containsKey("envoy.filters.http.fault");
  }

  @Test
  void circuitBreakerTaskLimitsTheReviewsClusters() {
    Mesh mesh = Bookinfo.with("destination-rule-reviews-circuit-breaker.yaml");
    Result r = call(mesh, "reviews", "/");
    var t = r.cluster().getCircuitBreakers().getThresholds(0);
    assertThat(t.getMaxConnections().getValue()).isEqualTo(1);
    assertThat(t.getMaxPendingRequests().getValue()).isEqualTo(1);
    assertThat(r.cluster().getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(1);
    assertThat(r.cluster().getOutlierDetection().getBaseEjectionTime().getSeconds()).isEqualTo(180);
    assertThat(r.cluster().getOutlierDetection().getMaxEjectionPercent().getValue()).isEqualTo(100);
  }

  @Test
  void unknownHostsPassThroughUnderAllowAny() {
    Result r = call(Mesh.bookinfo(), "www.example.com", "/");
    assertThat(r.virtualHost()).isEqualTo("allow_any");
    assertThat(r.singleCluster()).isEqualTo("PassthroughCluster");
    assertThat(r.cluster().getType()).isEqualTo(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.ORIGINAL_DST);
  }

  @Test
  void inboundTrafficReachesTheAppThroughVirtualInbound() {
    Simulator sim = new Simulator(Mesh.bookinfo().generate(Mesh.productpage()));
    Result r = sim.runInbound(Request.http("productpage:9080", 9080, "/productpage").to("10.1.0.16"));
    assertThat(r.listener()).isEqualTo("virtualInbound");
    assertThat(r.filterChain()).isEqualTo("0.0.0.0_9080");
    assertThat(r.singleCluster()).isEqualTo("inbound|9080||");
    assertThat(r.endpoints()).containsExactly("127.0.0.1:9080");
  }

  @Test
  void inboundTrafficToAnUndeclaredPortPassesThrough() {
    Simulator sim = new Simulator(Mesh.bookinfo().generate(Mesh.productpage()));
    Result r = sim.runInbound(Request.tcp("10.1.0.16", 7777));
    assertThat(r.filterChain()).isEqualTo("virtualInbound-catchall");
    assertThat(r.singleCluster()).isEqualTo("InboundPassthroughCluster");
  }
}
