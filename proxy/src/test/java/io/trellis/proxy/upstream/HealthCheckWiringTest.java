package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.HealthCheck;
import io.trellis.proxy.config.cluster.HealthStatus;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Active health checks combined with EDS health, and cluster warming on the first round. */
class HealthCheckWiringTest extends UpstreamTestSupport {

  private boolean healthy(String cluster, CommandBackend b) {
    return clusters.view(cluster).hosts().stream().filter(h -> h.address().getPort() == b.port())
        .findFirst().orElseThrow().healthy();
  }

  private static EndpointsConfig eds(CommandBackend a, HealthStatus aStatus, CommandBackend b, HealthStatus bStatus) {
    return EndpointsConfig.of("svc", List.of(LocalityLbEndpoints.of(List.of(
        LbEndpoint.of("127.0.0.1", a.port()).withHealthStatus(aStatus),
        LbEndpoint.of("127.0.0.1", b.port()).withHealthStatus(bStatus)))));
  }

  @Test
  void aHostServesOnlyWhenNeitherEdsNorItsHealthCheckObjects() throws Exception {
    CommandBackend a = closing(new CommandBackend(transport, "a"));
    CommandBackend b = closing(new CommandBackend(transport, "b"));
    b.healthMode = CommandBackend.Mode.HANG; // b's first check will not pass for 1 s
    clusters.applyClusters(List.of(ClusterConfig.builder("svc").type(DiscoveryType.EDS)
        .healthChecks(List.of(HealthCheck.of(Duration.ofSeconds(1), Duration.ofMillis(100), 1, 1,
            HealthCheck.Http.path("/healthz")).withNoTrafficInterval(Duration.ofMillis(100))))
        .build()));
    clusters.applyEndpoints(Map.of("svc", eds(a, HealthStatus.HEALTHY, b, HealthStatus.UNHEALTHY)));
    assertThat(clusters.isWarm("svc")).isFalse(); // warming until each host had its first check
    await().atMost(Duration.ofSeconds(10)).until(() -> clusters.isWarm("svc"));
    assertThat(healthy("svc", a)).isTrue();
    assertThat(healthy("svc", b)).isFalse(); // EDS says unhealthy, and its check failed too
    assertThat(clusters.view("svc").hosts()).filteredOn(h -> h.address().getPort() == b.port()).singleElement()
        .extracting(HostView::healthFlags)
        .isEqualTo(java.util.Set.of(HealthFlag.FAILED_EDS_HEALTH, HealthFlag.FAILED_ACTIVE_HEALTH_CHECK));

    b.healthMode = CommandBackend.Mode.OK;
    await().atMost(Duration.ofSeconds(10)).until(() -> counter("cluster.svc.health_check.success") >= 3);
    await().until(() -> gauge("cluster.svc.health_check.healthy") == 2);
    int checksOfA = a.healthRequests.get();
    await().until(() -> a.healthRequests.get() >= checksOfA + 3);
    assertThat(a.connections).hasValue(1); // reuse_connection: every check of a on one connection
    assertThat(healthy("svc", b)).isFalse(); // the check passes, EDS still objects

    clusters.applyEndpoints(Map.of("svc", eds(a, HealthStatus.UNHEALTHY, b, HealthStatus.HEALTHY)));
    await().until(() -> healthy("svc", b) && !healthy("svc", a)); // EDS alone objects to a now

    b.healthMode = CommandBackend.Mode.FAIL_503;
    await().atMost(Duration.ofSeconds(10)).until(() -> !healthy("svc", b)); // the check alone objects to b
  }

  @Test
  void withoutReuseEachCheckHasItsOwnConnection() throws Exception {
    CommandBackend a = closing(new CommandBackend(transport, "a"));
    clusters.applyClusters(List.of(ClusterConfig.builder("fresh").loadAssignment(
            EndpointsConfig.of("fresh", List.of(LocalityLbEndpoints.of(List.of(LbEndpoint.of("127.0.0.1", a.port()))))))
        .healthChecks(List.of(HealthCheck.of(Duration.ofSeconds(1), Duration.ofMillis(50), 1, 1,
            HealthCheck.Http.path("/healthz")).withNoTrafficInterval(Duration.ofMillis(50)).withReuseConnection(false)))
        .build()));
    await().until(() -> a.healthRequests.get() >= 3);
    assertThat(a.connections.get()).isGreaterThanOrEqualTo(3);
  }
}
