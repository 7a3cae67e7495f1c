package io.trellis.proxy.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeIdentityTest {

  @Test
  void gatewaysAreRoutersAndIdCanBeOverridden() {
    var gateway =
        new NodeIdentity(NodeIdentity.Role.GATEWAY, "10.1.2.3", "ingress-1", "istio-system", Map.of(), "", "", "1", null);
    assertThat(gateway.nodeId()).isEqualTo("router~10.1.2.3~ingress-1.istio-system~istio-system.svc.cluster.local");
    assertThat(gateway.serviceCluster()).isEqualTo("ingress-1.istio-system");
    assertThat(gateway.toNode().getMetadata().getFieldsOrThrow("SERVICE_ACCOUNT").getStringValue()).isEqualTo("default");
    var custom = new NodeIdentity(NodeIdentity.Role.SIDECAR, "10.1.2.3", "p", "ns", Map.of(), "sa", "c2", "1", "my-node");
    assertThat(custom.toNode().getId()).isEqualTo("my-node");
    assertThat(custom.toNode().getMetadata().getFieldsOrThrow("CLUSTER_ID").getStringValue()).isEqualTo("c2");
  }

  @Test
  void generatedXdsBootstrapValidates() throws Exception {
    var identity = new NodeIdentity(NodeIdentity.Role.SIDECAR, "127.0.0.1", "p", "ns", Map.of("app", "a"), "sa", null, "1", null);
    var bootstrap = BootstrapLoader.validated("--xds", XdsBootstrap.create(identity, "istiod.istio-system", 15010, "127.0.0.1", 15000, false));
    assertThat(bootstrap.getStaticResources().getClusters(0).getName()).isEqualTo(XdsBootstrap.XDS_CLUSTER);
    assertThat(bootstrap.getStaticResources().getClusters(0).getType().name()).isEqualTo("STRICT_DNS");
    assertThat(bootstrap.getAdmin().getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
    assertThat(bootstrap.getDynamicResources().getCdsConfig().hasAds()).isTrue();
  }

  @Test
  void requiresNamespace() {
    assertThatThrownBy(() -> new NodeIdentity(NodeIdentity.Role.SIDECAR, "1.2.3.4", "p", "", Map.of(), "", "", "", null))
        .hasMessage("namespace: '' (expected: non-empty)");
  }
}
