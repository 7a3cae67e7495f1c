package io.trellis.proxy.config.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

  @Test
  void builderStartsFromEnvoyDefaults() {
    ClusterConfig c = ClusterConfig.builder("reviews").build();
    assertThat(c.type()).isEqualTo(DiscoveryType.STATIC);
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.lbPolicy()).isEqualTo(new LbPolicy.RoundRobin());
    assertThat(c.healthyPanicThresholdPercent()).isEqualTo(50.0);
    assertThat(c.protocolOptions().selection()).isEqualTo(UpstreamProtocolSelection.HTTP1);
    assertThat(c.protocolOptions().idleTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(c.protocolOptions().maxHeadersCount()).isEqualTo(100);
    assertThat(c.loadAssignment().endpointCount()).isZero();
    assertThat(c.edsName()).isEqualTo("reviews");
    assertThat(c.dnsRefreshRate()).isEqualTo(Duration.ofSeconds(5));
    assertThat(new LbPolicy.LeastRequest().choiceCount()).isEqualTo(2);
    assertThat(new LbPolicy.Maglev().tableSize()).isEqualTo(65537);
    assertThat(new LbPolicy.RingHash().minimumRingSize()).isEqualTo(1024);
    assertThat(EndpointsConfig.empty("x").overprovisioningFactor()).isEqualTo(140);
  }

  @Test
  void badValuesSayWhichFieldAndWhatIsExpected() {
    assertThatThrownBy(() -> ClusterConfig.builder("a").connectTimeout(Duration.ZERO).build())
        .hasMessage("connect_timeout: PT0S (expected: > 0s)");
    assertThatThrownBy(() -> new LbPolicy.LeastRequest(1, 1.0))
        .hasMessage("least_request_lb_config.choice_count: 1 (expected: >= 2)");
    assertThatThrownBy(() -> new LbPolicy.Maglev(65536))
        .hasMessage("maglev_lb_config.table_size: 65536 (expected: a prime, 2..5000011)");
    assertThatThrownBy(() -> new LbPolicy.RingHash(2048, 1024))
        .hasMessage("ring_hash_lb_config.maximum_ring_size: 1024 (expected: 2048..8388608)");
    assertThatThrownBy(() -> LbEndpoint.of("10.0.0.1", 0))
        .hasMessage("endpoint.address.socket_address.port_value: 0 (expected: 1..65535)");
    assertThatThrownBy(() -> LbEndpoint.of("10.0.0.1", 80).withWeight(0))
        .hasMessage("load_balancing_weight: 0 (expected: >= 1)");
    assertThatThrownBy(() -> ClusterConfig.builder("a").healthyPanicThresholdPercent(101).build())
        .hasMessage("common_lb_config.healthy_panic_threshold: 101.0 (expected: 0..100 percent)");
    assertThatThrownBy(() -> new LocalityLbEndpoints(io.trellis.proxy.upstream.Host.Locality.NONE, List.of(), 0, 129))
        .hasMessage("priority: 129 (expected: 0..128)");
  }

  @Test
  void discoveryTypeDecidesWhereEndpointsComeFrom() {
    EndpointsConfig one = EndpointsConfig.of("a", List.of(LocalityLbEndpoints.of(List.of(LbEndpoint.of("localhost", 80)))));
    assertThatThrownBy(() -> ClusterConfig.builder("a").type(DiscoveryType.EDS).loadAssignment(one).build())
        .hasMessageStartingWith("load_assignment: present (expected: absent for a EDS cluster");
    assertThatThrownBy(() -> ClusterConfig.builder("a").type(DiscoveryType.LOGICAL_DNS).build())
        .hasMessage("load_assignment: absent (expected: exactly one endpoint in one locality for a LOGICAL_DNS cluster)");
    assertThat(ClusterConfig.builder("a").type(DiscoveryType.LOGICAL_DNS).loadAssignment(one).build().loadAssignment())
        .isEqualTo(one);
    assertThat(ClusterConfig.builder("a").type(DiscoveryType.EDS).edsServiceName("svc").build().edsName()).isEqualTo("svc");
  }

  @Test
  void tlsNeedsBothCertificateAndKey() {
    assertThatThrownBy(() -> new UpstreamTlsConfig("", List.of(), null, List.of(), "CERT", null))
        .hasMessage("common_tls_context.tls_certificates: certificate_chain without private_key (expected: both or neither)");
  }
}
