package io.trellis.control.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import org.junit.jupiter.api.Test;

class ProxyNodeTest {

  private static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }

  @Test
  void istioSidecarNodeWithFullMetadata() {
    Node n =
        Node.newBuilder()
            .setId("sidecar~10.1.2.3~reviews-v2-abc.bookinfo~bookinfo.svc.cluster.local")
            .setUserAgentName("envoy")
            .setMetadata(
                Struct.newBuilder()
                    .putFields("NAMESPACE", str("bookinfo"))
                    .putFields("SERVICE_ACCOUNT", str("bookinfo-reviews"))
                    .putFields("CLUSTER_ID", str("east"))
                    .putFields("INSTANCE_IPS", str("10.1.2.3,fd00::3"))
                    .putFields("NAME", str("reviews-v2-abc"))
                    .putFields(
                        "LABELS",
                        Value.newBuilder()
                            .setStructValue(Struct.newBuilder().putFields("app", str("reviews")).putFields("version", str("v2")))
                            .build()))
            .build();
    ProxyNode p = ProxyNode.fromNode(n);
    assertThat(p.kind()).isEqualTo(ProxyNode.Kind.SIDECAR);
    assertThat(p.namespace()).isEqualTo("bookinfo");
    assertThat(p.podName()).isEqualTo("reviews-v2-abc");
    assertThat(p.serviceAccount()).isEqualTo("bookinfo-reviews");
    assertThat(p.clusterId()).isEqualTo("east");
    assertThat(p.ipAddresses()).containsExactly("10.1.2.3", "fd00::3");
    assertThat(p.labels()).containsEntry("app", "reviews").containsEntry("version", "v2");
    assertThat(p.dnsDomain()).isEqualTo("bookinfo.svc.cluster.local");
  }

  @Test
  void missingMetadataFallsBackToTheIdAndDocumentedDefaults() {
    ProxyNode p = ProxyNode.fromNode(Node.newBuilder().setId("router~10.0.0.9~ingress-7f.istio-system~istio-system.svc.cluster.local").build());
    assertThat(p.kind()).isEqualTo(ProxyNode.Kind.ROUTER);
    assertThat(p.namespace()).isEqualTo("istio-system");
    assertThat(p.podName()).isEqualTo("ingress-7f");
    assertThat(p.ipAddresses()).containsExactly("10.0.0.9");
    assertThat(p.serviceAccount()).isEqualTo(ProxyNode.DEFAULT_SERVICE_ACCOUNT);
    assertThat(p.clusterId()).isEqualTo("Kubernetes");
    assertThat(p.labels()).isEmpty();
  }

  @Test
  void grpcClientsAreProxylessByUserAgentOrGenerator() {
    ProxyNode byAgent = ProxyNode.fromNode(Node.newBuilder().setId("client-1").setUserAgentName("gRPC Java").build());
    assertThat(byAgent.kind()).isEqualTo(ProxyNode.Kind.PROXYLESS_GRPC);
    assertThat(byAgent.namespace()).isEqualTo("default");
    assertThat(byAgent.podName()).isEqualTo("client-1");
    assertThat(byAgent.ipAddresses()).isEmpty();
    assertThat(byAgent.dnsDomain()).isEqualTo("default.svc.cluster.local");

    ProxyNode byGenerator =
        ProxyNode.fromNode(
            Node.newBuilder()
                .setId("sidecar~10.0.0.5~ratings-1.default~default.svc.cluster.local")
                .setMetadata(Struct.newBuilder().putFields("GENERATOR", str("grpc")))
                .build());
    assertThat(byGenerator.kind()).isEqualTo(ProxyNode.Kind.PROXYLESS_GRPC);
  }

  @Test
  void aNodeWithoutIdIsRefused() {
    assertThatThrownBy(() -> ProxyNode.fromNode(Node.getDefaultInstance()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no id");
  }
}
