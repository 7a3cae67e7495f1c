package io.trellis.control.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsType;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ControlPlaneMetricsTest {
  private final ProxyNode node = ProxyNode.fromNode(Node.newBuilder().setId("sidecar~10.0.0.1~a.default~default.svc.cluster.local").build());

  @Test
  void exposesIstiosNamesInPrometheusText() {
    ControlPlaneMetrics m = new ControlPlaneMetrics();
    m.connected(node);
    m.connected(node);
    m.disconnected(node);
    m.pushed(node, XdsType.CLUSTER.typeUrl(), 3);
    m.pushed(node, XdsType.CLUSTER.typeUrl(), 3);
    m.pushed(node, XdsType.ROUTE.typeUrl(), 1);
    m.pushed(node, XdsType.VIRTUAL_HOST.typeUrl(), 1);
    m.nacked(node, XdsType.ROUTE.typeUrl(), "bad route");
    m.converged(node, Duration.ofMillis(300));
    m.pushTime(node, Duration.ofMillis(5));
    m.configRejections(2);

    String text = m.scrape();
    assertThat(text)
        .contains("pilot_xds 1.0")
        .contains("pilot_xds_pushes{type=\"cds\"} 2.0")
        .contains("pilot_xds_pushes{type=\"rds\"} 1.0")
        .contains("pilot_xds_pushes{type=\"eds\"} 0.0")
        .contains("pilot_xds_pushes{type=\"vhds\"} 1.0")
        .contains("pilot_total_xds_rejects{type=\"rds\"} 1.0")
        .contains("pilot_proxy_convergence_time_bucket{le=\"0.1\"} 0")
        .contains("pilot_proxy_convergence_time_bucket{le=\"0.5\"} 1")
        .contains("pilot_proxy_convergence_time_count 1")
        .contains("pilot_xds_push_time_bucket{le=\"0.01\"} 1")
        .contains("trellis_config_rejections 2.0")
        .doesNotContain("pilot_xds_pushes_total");
  }
}
