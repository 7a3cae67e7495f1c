package io.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.BoolValue;
import com.google.protobuf.ByteString;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.type.v3.CodecClientType;
import io.envoyproxy.envoy.type.v3.Int64Range;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Envoy's circuit_breakers, outlier_detection and health_checks protos into Trellis's records. */
class ClusterResilienceTest {
  private final ValidationErrors errors = ValidationErrors.forResource("Cluster", "c");

  private static com.google.protobuf.Duration d(long millis) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(millis / 1000).setNanos((int) (millis % 1000) * 1_000_000).build();
  }

  @Test
  void circuitBreakersTakeEnvoyDefaultsForAbsentFields() {
    var cb = ClusterResilience.circuitBreakers(CircuitBreakers.newBuilder()
        .addThresholds(CircuitBreakers.Thresholds.newBuilder().setMaxConnections(UInt32Value.of(1))
            .setMaxPendingRequests(UInt32Value.of(1)).setTrackRemaining(true))
        .addThresholds(CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.HIGH)
            .setMaxRetries(UInt32Value.of(10)))
        .build(), errors.at("circuit_breakers"));
    assertThat(errors.messages()).isEmpty();
    assertThat(cb.defaultPriority()).isEqualTo(new io.trellis.proxy.config.cluster.CircuitBreakers.Thresholds(
        1, 1, 1024, 3, 0xFFFF_FFFFL, true));
    assertThat(cb.highPriority().maxRetries()).isEqualTo(10);
    assertThat(cb.highPriority().maxConnections()).isEqualTo(1024);
  }

  @Test
  void uint32MaximumMeansNoLimitAsIstioSendsIt() {
    var cb = ClusterResilience.circuitBreakers(CircuitBreakers.newBuilder()
        .addThresholds(CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.DEFAULT)
            .setMaxConnections(UInt32Value.of(-1)).setMaxPendingRequests(UInt32Value.of(-1))
            .setMaxRequests(UInt32Value.of(-1)).setMaxRetries(UInt32Value.of(-1)).setTrackRemaining(true))
        .build(), errors.at("circuit_breakers"));
    assertThat(errors.messages()).isEmpty();
    assertThat(cb.defaultPriority().maxConnections()).isEqualTo(4294967295L);
    assertThat(cb.defaultPriority().maxRetries()).isEqualTo(4294967295L);
  }

  @Test
  void circuitBreakerErrorsNameTheirField() {
    var cb = ClusterResilience.circuitBreakers(CircuitBreakers.newBuilder()
        .addThresholds(CircuitBreakers.Thresholds.newBuilder())
        .addThresholds(CircuitBreakers.Thresholds.newBuilder())
        .addThresholds(CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.HIGH)
            .setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder()
                .setBudgetPercent(io.envoyproxy.envoy.type.v3.Percent.newBuilder().setValue(150))))
        .addPerHostThresholds(CircuitBreakers.Thresholds.getDefaultInstance())
        .addPerHostThresholds(CircuitBreakers.Thresholds.getDefaultInstance())
        .build(), errors.at("circuit_breakers"));
    assertThat(cb).isNull();
    assertThat(errors.messages()).containsExactly(
        "Cluster [c] circuit_breakers thresholds[1]: priority DEFAULT given twice (expected: once)",
        "Cluster [c] circuit_breakers thresholds[2] retry_budget: budget_percent: 150.0 (expected: 0..100)",
        "Cluster [c] circuit_breakers per_host_thresholds[1]: priority DEFAULT given twice (expected: once)");
  }

  @Test
  void retryBudgetTakesEnvoysDocumentedDefaults() {
    var cb = ClusterResilience.circuitBreakers(CircuitBreakers.newBuilder()
        .addThresholds(CircuitBreakers.Thresholds.newBuilder()
            .setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.getDefaultInstance()))
        .addThresholds(CircuitBreakers.Thresholds.newBuilder().setPriority(RoutingPriority.HIGH)
            .setRetryBudget(CircuitBreakers.Thresholds.RetryBudget.newBuilder()
                .setBudgetPercent(io.envoyproxy.envoy.type.v3.Percent.newBuilder().setValue(12.5))
                .setMinRetryConcurrency(UInt32Value.of(7))))
        .build(), errors.at("circuit_breakers"));
    assertThat(errors.messages()).isEmpty();
    assertThat(cb.defaultPriority().retryBudget())
        .isEqualTo(io.trellis.proxy.config.cluster.CircuitBreakers.RetryBudget.DEFAULT);
    assertThat(cb.highPriority().retryBudget())
        .isEqualTo(new io.trellis.proxy.config.cluster.CircuitBreakers.RetryBudget(12.5, 7));
    assertThat(cb.defaultPriority().retryBudget().maxRetries(40, 10)).isEqualTo(10); // 20% of 50
  }

  @Test
  void perHostThresholdsCarryMaxConnectionsPerPriority() {
    var cb = ClusterResilience.circuitBreakers(CircuitBreakers.newBuilder()
        .addPerHostThresholds(CircuitBreakers.Thresholds.newBuilder().setMaxConnections(UInt32Value.of(2))
            .setMaxRequests(UInt32Value.of(5))) // Envoy applies only max_connections per host
        .build(), errors.at("circuit_breakers"));
    assertThat(errors.messages()).isEmpty();
    assertThat(cb.perHostMaxConnections(io.trellis.proxy.config.cluster.RoutingPriority.DEFAULT)).isEqualTo(2);
    assertThat(cb.perHostMaxConnections(io.trellis.proxy.config.cluster.RoutingPriority.HIGH)).isEqualTo(0xFFFF_FFFFL);
    assertThat(cb.defaultPriority()).isEqualTo(io.trellis.proxy.config.cluster.CircuitBreakers.Thresholds.DEFAULT);
  }

  @Test
  void outlierDetectionFieldsAndDefaults() {
    var od = ClusterResilience.outlierDetection(OutlierDetection.newBuilder()
        .setConsecutive5Xx(UInt32Value.of(3)).setInterval(d(500)).setBaseEjectionTime(d(1000))
        .setMaxEjectionPercent(UInt32Value.of(50)).setAlwaysEjectOneHost(BoolValue.of(true))
        .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100)).setSplitExternalLocalOriginErrors(true)
        .build(), errors.at("outlier_detection"));
    assertThat(errors.messages()).isEmpty();
    assertThat(od.consecutive5xx()).isEqualTo(3);
    assertThat(od.interval()).isEqualTo(Duration.ofMillis(500));
    assertThat(od.baseEjectionTime()).isEqualTo(Duration.ofSeconds(1));
    assertThat(od.maxEjectionTime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(od.maxEjectionPercent()).isEqualTo(50);
    assertThat(od.alwaysEjectOneHost()).isTrue();
    assertThat(od.enforcingConsecutiveGatewayFailure()).isEqualTo(100);
    assertThat(od.enforcingConsecutive5xx()).isEqualTo(100);
    assertThat(od.successRateStdevFactor()).isEqualTo(1900);
    assertThat(od.splitExternalLocalOriginErrors()).isTrue();

    assertThat(ClusterResilience.outlierDetection(OutlierDetection.newBuilder()
        .setMaxEjectionPercent(UInt32Value.of(150)).build(), errors.at("outlier_detection"))).isNull();
    assertThat(errors.messages()).containsExactly(
        "Cluster [c] outlier_detection: max_ejection_percent: 150 (expected: 0..100)");
  }

  @Test
  void httpHealthCheck() {
    var hcs = ClusterResilience.healthChecks(List.of(HealthCheck.newBuilder()
        .setTimeout(d(1000)).setInterval(d(5000)).setUnhealthyThreshold(UInt32Value.of(3))
        .setHealthyThreshold(UInt32Value.of(2)).setIntervalJitter(d(100)).setNoTrafficInterval(d(2000))
        .setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz").setHost("svc")
            .addExpectedStatuses(Int64Range.newBuilder().setStart(200).setEnd(201))
            .addRequestHeadersToAdd(HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder().setKey("x-check").setValue("1"))))
        .build()), errors);
    assertThat(errors.messages()).isEmpty();
    var hc = hcs.getFirst();
    assertThat(hc.timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(hc.unhealthyInterval()).isEqualTo(Duration.ofSeconds(5)); // defaults to interval
    assertThat(hc.noTrafficInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(hc.intervalJitter()).isEqualTo(Duration.ofMillis(100));
    var http = (io.trellis.proxy.config.cluster.HealthCheck.Http) hc.protocol();
    assertThat(http.expected(200)).isTrue();
    assertThat(http.expected(204)).isFalse();
    assertThat(http.requestHeaders()).isEqualTo(Map.of("x-check", "1"));
    assertThat(http.host()).isEqualTo("svc");
    assertThat(hc.reuseConnection()).isTrue(); // Envoy's default
  }

  @Test
  void tcpHealthCheckPayloads() {
    var hcs = ClusterResilience.healthChecks(List.of(HealthCheck.newBuilder()
        .setTimeout(d(1000)).setInterval(d(5000)).setUnhealthyThreshold(UInt32Value.of(3))
        .setHealthyThreshold(UInt32Value.of(2))
        .setTcpHealthCheck(HealthCheck.TcpHealthCheck.newBuilder()
            .setSend(HealthCheck.Payload.newBuilder().setText("50494e47"))
            .addReceive(HealthCheck.Payload.newBuilder().setBinary(ByteString.copyFromUtf8("PONG"))))
        .build()), errors);
    assertThat(errors.messages()).isEmpty();
    var tcp = (io.trellis.proxy.config.cluster.HealthCheck.Tcp) hcs.getFirst().protocol();
    assertThat(new String(tcp.send(), StandardCharsets.US_ASCII)).isEqualTo("PING");
    assertThat(new String(tcp.receive().getFirst(), StandardCharsets.US_ASCII)).isEqualTo("PONG");
  }

  @Test
  void grpcAndHttp2HealthChecks() {
    HealthCheck base = HealthCheck.newBuilder().setTimeout(d(1000)).setInterval(d(2000))
        .setUnhealthyThreshold(UInt32Value.of(3)).setHealthyThreshold(UInt32Value.of(2)).build();
    var grpc = ClusterResilience.healthChecks(List.of(base.toBuilder().setGrpcHealthCheck(HealthCheck.GrpcHealthCheck.newBuilder()
        .setServiceName("shop.Cart").setAuthority("cart.internal")
        .addInitialMetadata(HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey("x-probe").setValue("1"))))
        .build()), errors);
    assertThat(errors.messages()).isEmpty();
    assertThat(grpc.getFirst().protocol()).isEqualTo(new io.trellis.proxy.config.cluster.HealthCheck.Grpc(
        "shop.Cart", "cart.internal", Map.of("x-probe", "1")));

    var h2 = ClusterResilience.healthChecks(List.of(base.toBuilder().setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder()
        .setPath("/ready").setCodecClientType(CodecClientType.HTTP2)).build()), errors);
    assertThat(errors.messages()).isEmpty();
    assertThat(h2.getFirst().protocol()).isEqualTo(io.trellis.proxy.config.cluster.HealthCheck.Http.path("/ready").withHttp2(true));

    ClusterResilience.healthChecks(List.of(base.toBuilder().setGrpcHealthCheck(HealthCheck.GrpcHealthCheck.newBuilder()
        .addInitialMetadata(HeaderValueOption.newBuilder().setHeader(HeaderValue.newBuilder().setKey(":path").setValue("/x"))))
        .build()), errors);
    assertThat(errors.messages()).containsExactly("Cluster [c] health_checks[0] grpc_health_check initial_metadata[0] header key: "
        + "':path' (expected: a lower-case header name, not a pseudo-header)");
  }

  @Test
  void healthCheckErrorsNameTheirField() {
    var hcs = ClusterResilience.healthChecks(List.of(HealthCheck.newBuilder()
        .setInterval(d(5000)).setHealthyThreshold(UInt32Value.of(2)).setHealthyEdgeInterval(d(1))
        .setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder().setPath("/h")
            .setCodecClientType(CodecClientType.HTTP3)
            .addExpectedStatuses(Int64Range.newBuilder().setStart(300).setEnd(200)))
        .build()), errors);
    assertThat(hcs).isNull();
    assertThat(errors.messages()).containsExactly(
        "Cluster [c] health_checks[0]: timeout: absent (expected: a duration > 0)",
        "Cluster [c] health_checks[0]: unhealthy_threshold: absent (expected: >= 1)",
        "Cluster [c] health_checks[0] healthy_edge_interval: not supported",
        "Cluster [c] health_checks[0] http_health_check codec_client_type: HTTP3 is not supported (expected: HTTP1 or HTTP2)",
        "Cluster [c] health_checks[0] http_health_check expected_statuses[0]: status range: [300, 200) (expected: 100 <= start < end <= 600)");

    ValidationErrors two = ValidationErrors.forResource("Cluster", "c");
    HealthCheck tcp = HealthCheck.newBuilder().setTimeout(d(1)).setInterval(d(1)).setUnhealthyThreshold(UInt32Value.of(1))
        .setHealthyThreshold(UInt32Value.of(1)).setTcpHealthCheck(HealthCheck.TcpHealthCheck.getDefaultInstance()).build();
    assertThat(ClusterResilience.healthChecks(List.of(tcp, tcp), two)).isNull();
    assertThat(two.messages()).containsExactly(
        "Cluster [c] health_checks: 2 entries (expected: at most one, as Envoy supports)");

    ValidationErrors hex = ValidationErrors.forResource("Cluster", "c");
    ClusterResilience.healthChecks(List.of(tcp.toBuilder().setTcpHealthCheck(HealthCheck.TcpHealthCheck.newBuilder()
        .setSend(HealthCheck.Payload.newBuilder().setText("zz"))).build()), hex);
    assertThat(hex.messages()).containsExactly(
        "Cluster [c] health_checks[0] tcp_health_check send text: 'zz' (expected: hex digits, two per byte)");
  }

  @Test
  void clusterResourceCarriesTheResilienceFields() {
    io.envoyproxy.envoy.config.cluster.v3.Cluster proto = io.envoyproxy.envoy.config.cluster.v3.Cluster.newBuilder()
        .setName("c").setType(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.STATIC)
        .setCircuitBreakers(CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
            .setMaxConnections(UInt32Value.of(1)).setMaxPendingRequests(UInt32Value.of(1))))
        .setOutlierDetection(OutlierDetection.newBuilder().setConsecutive5Xx(UInt32Value.of(5)).setBaseEjectionTime(d(1000)))
        .addHealthChecks(HealthCheck.newBuilder().setTimeout(d(1000)).setInterval(d(2000))
            .setUnhealthyThreshold(UInt32Value.of(3)).setHealthyThreshold(UInt32Value.of(2))
            .setHttpHealthCheck(HealthCheck.HttpHealthCheck.newBuilder().setPath("/healthz")))
        .build();
    var config = ClusterResource.INSTANCE.parse(proto, errors);
    assertThat(errors.messages()).isEmpty();
    assertThat(config.circuitBreakers().defaultPriority().maxConnections()).isEqualTo(1);
    assertThat(config.outlierDetection().baseEjectionTime()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.healthChecks()).singleElement().matches(h -> h.unhealthyThreshold() == 3);

    ValidationErrors bad = ValidationErrors.forResource("Cluster", "c");
    assertThat(ClusterResource.INSTANCE.parse(proto.toBuilder()
        .setOutlierDetection(OutlierDetection.newBuilder().setMaxEjectionPercent(UInt32Value.of(150))).build(), bad)).isNull();
    assertThat(bad.messages()).containsExactly(
        "Cluster [c] outlier_detection: max_ejection_percent: 150 (expected: 0..100)");

    // without the fields: Envoy's defaults and no detection or checks
    var plain = ClusterResource.INSTANCE.parse(io.envoyproxy.envoy.config.cluster.v3.Cluster.newBuilder().setName("p")
        .setType(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.STATIC).build(), errors);
    assertThat(plain.circuitBreakers()).isEqualTo(io.trellis.proxy.config.cluster.CircuitBreakers.DEFAULT);
    assertThat(plain.outlierDetection()).isNull();
    assertThat(plain.healthChecks()).isEmpty();
  }
}
