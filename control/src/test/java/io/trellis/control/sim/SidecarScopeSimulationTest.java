package io.trellis.control.sim;

import static io.trellis.control.sim.Bookinfo.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.trellis.control.xds.XdsType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Sidecar resource, exportTo and the outbound traffic policy, simulated from a sidecar. */
class SidecarScopeSimulationTest {
  /** A second namespace with its own service, exported everywhere unless a test says otherwise. */
  private static final String OTHER =
      """
      apiVersion: v1
      kind: Service
      metadata: {name: echo, namespace: other}
      spec:
        clusterIP: 10.96.1.1
        ports: [{port: 9080, name: http}]
        selector: {app: echo}
      ---
      apiVersion: v1
      kind: Pod
      metadata: {name: echo-0, namespace: other, labels: {app: echo}}
      status: {phase: Running, podIP: 10.2.0.1}
      """;

  private static Result call(Mesh mesh, Request r) {
    return new Simulator(mesh.generate(Mesh.productpage())).run(r);
  }

  @Test
  void servicesInOtherNamespacesAreReachableByNamespaceQualifiedNamesOnly() {
    Mesh mesh = Mesh.bookinfo().yaml(OTHER);
    assertThat(call(mesh, Request.http("echo.other", 9080, "/")).singleCluster()).isEqualTo("outbound|9080||echo.other.svc.cluster.local");
    assertThat(call(mesh, Request.http("echo.other.svc.cluster.local:9080", 9080, "/")).endpoints()).containsExactly("10.2.0.1:9080");
    // "echo" alone is not a name of the service from namespace default: it falls through.
    assertThat(call(mesh, Request.http("echo", 9080, "/")).virtualHost()).isEqualTo("allow_any");
  }

  @Test
  void sidecarEgressHostsHideOtherNamespaces() {
    Mesh mesh = Mesh.bookinfo().yaml(OTHER).yaml("""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: default}
        spec:
          egress:
          - hosts: ["./*"]
        """);
    var xds = mesh.generate(Mesh.productpage());
    assertThat(xds.ofType(XdsType.CLUSTER)).doesNotContainKey("outbound|9080||echo.other.svc.cluster.local")
        .containsKey(cluster("", "reviews"));
    assertThat(new Simulator(xds).run(Request.http("echo.other", 9080, "/")).virtualHost()).isEqualTo("allow_any");
    assertThat(new Simulator(xds).run(Request.http("reviews", 9080, "/")).singleCluster()).isEqualTo(cluster("", "reviews"));
  }

  @Test
  void sidecarEgressHostsCanNameSingleServices() {
    Mesh mesh = Mesh.bookinfo().yaml(OTHER).yaml("""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: default}
        spec:
          egress:
          - hosts: ["default/reviews.default.svc.cluster.local", "other/*"]
        """);
    var clusters = mesh.generate(Mesh.productpage()).ofType(XdsType.CLUSTER).keySet();
    assertThat(clusters).contains(cluster("", "reviews"), "outbound|9080||echo.other.svc.cluster.local")
        .doesNotContain(cluster("", "ratings"), cluster("", "details"));
  }

  @Test
  void aSidecarWithASelectorAppliesOnlyToItsWorkloads() {
    Mesh mesh = Mesh.bookinfo().yaml(OTHER).yaml("""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: ratings-only, namespace: default}
        spec:
          workloadSelector: {labels: {app: ratings}}
          egress:
          - hosts: ["./*"]
        """);
    assertThat(mesh.generate(Mesh.productpage()).ofType(XdsType.CLUSTER)).containsKey("outbound|9080||echo.other.svc.cluster.local");
    var ratings = mesh.generate(Mesh.sidecar("default", Map.of("app", "ratings", "version", "v1")));
    assertThat(ratings.ofType(XdsType.CLUSTER)).doesNotContainKey("outbound|9080||echo.other.svc.cluster.local");
  }

  @Test
  void exportToDotHidesAServiceFromOtherNamespaces() {
    Mesh mesh = Mesh.bookinfo().yaml(OTHER.replace("metadata: {name: echo, namespace: other}",
        "metadata: {name: echo, namespace: other, annotations: {networking.istio.io/exportTo: \".\"}}"));
    assertThat(mesh.generate(Mesh.productpage()).ofType(XdsType.CLUSTER)).doesNotContainKey("outbound|9080||echo.other.svc.cluster.local");
    assertThat(mesh.generate(Mesh.sidecar("other", Map.of("app", "echo"))).ofType(XdsType.CLUSTER))
        .containsKey("outbound|9080||echo.other.svc.cluster.local");
  }

  @Test
  void virtualServiceExportToLimitsWhoIsRoutedByIt() {
    Mesh mesh = Bookinfo.with().yaml(OTHER).yaml("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews-private, namespace: other}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          exportTo: ["."]
          http:
          - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v3}}]
        """);
    assertThat(call(mesh, Request.http("reviews", 9080, "/")).singleCluster()).isEqualTo(cluster("", "reviews"));
    var fromOther = new Simulator(mesh.generate(Mesh.sidecar("other", Map.of("app", "echo"))));
    assertThat(fromOther.run(Request.http("reviews.default", 9080, "/")).singleCluster()).isEqualTo(cluster("v3", "reviews"));
  }

  private static final String REGISTRY_ONLY = """
      apiVersion: networking.istio.io/v1
      kind: Sidecar
      metadata: {name: default, namespace: default}
      spec:
        outboundTrafficPolicy: {mode: REGISTRY_ONLY}
      """;

  @Test
  void registryOnlyBlocksUnknownHttpHosts() {
    Result r = call(Mesh.bookinfo().yaml(REGISTRY_ONLY), Request.http("www.example.com", 9080, "/"));
    assertThat(r.virtualHost()).isEqualTo("block_all");
    assertThat(r.directResponseStatus()).isEqualTo(502);
  }

  @Test
  void registryOnlyStillRoutesKnownServices() {
    assertThat(call(Mesh.bookinfo().yaml(REGISTRY_ONLY), Request.http("details", 9080, "/")).singleCluster()).isEqualTo(cluster("", "details"));
  }

  @Test
  void registryOnlySendsUnknownTcpToTheBlackHole() {
    Result r = call(Mesh.bookinfo().yaml(REGISTRY_ONLY), Request.tcp("203.0.113.7", 5432));
    assertThat(r.listener()).isEqualTo("virtualOutbound");
    assertThat(r.singleCluster()).isEqualTo("BlackHoleCluster");
    assertThat(r.endpoints()).isEmpty();
  }

  @Test
  void allowAnySendsUnknownTcpThrough() {
    Result r = call(Mesh.bookinfo(), Request.tcp("203.0.113.7", 5432));
    assertThat(r.listener()).isEqualTo("virtualOutbound");
    assertThat(r.singleCluster()).isEqualTo("PassthroughCluster");
  }

  @Test
  void egressListenerWithCaptureModeNoneBindsItsOwnPort() {
    Mesh mesh = Bookinfo.with("virtual-service-all-v1.yaml").yaml("""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: default, namespace: default}
        spec:
          egress:
          - port: {number: 9080, protocol: HTTP, name: http}
            bind: 127.0.0.2
            captureMode: NONE
            hosts: ["./*"]
          - hosts: ["./*"]
        """);
    var xds = mesh.generate(Mesh.productpage());
    Listener l = (Listener) xds.ofType(XdsType.LISTENER).get("127.0.0.2_9080").message();
    assertThat(l.getBindToPort().getValue()).isTrue();
    assertThat(l.getUseOriginalDst().getValue()).isFalse();
    Result r = new Simulator(xds).run(Request.http("reviews:9080", 9080, "/").to("127.0.0.2"));
    assertThat(r.listener()).isEqualTo("127.0.0.2_9080");
    assertThat(r.routeConfig()).isEqualTo("127.0.0.2_9080");
    assertThat(r.singleCluster()).isEqualTo(cluster("v1", "reviews"));
  }

  @Test
  void sidecarIngressSendsInboundTrafficToTheDefaultEndpoint() {
    Mesh mesh = Mesh.bookinfo().yaml("""
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: pp, namespace: default}
        spec:
          workloadSelector: {labels: {app: productpage}}
          ingress:
          - port: {number: 9080, protocol: HTTP, name: http}
            defaultEndpoint: 127.0.0.1:19080
        """);
    Result r = new Simulator(mesh.generate(Mesh.productpage())).runInbound(Request.http("productpage", 9080, "/"));
    assertThat(r.singleCluster()).isEqualTo("inbound|19080||");
    assertThat(r.endpoints()).containsExactly("127.0.0.1:19080");
  }
}
