package io.trellis.control.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import org.junit.jupiter.api.Test;

/** TCP and TLS services from a sidecar: VIP listeners, tcp/tls VirtualService rules, SNI chains. */
class L4SimulationTest {
  private static final String SERVICES = """
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: db, namespace: default}
      spec:
        hosts: [db.internal]
        addresses: [240.0.0.10]
        ports: [{number: 5432, name: tcp-pg, protocol: TCP}]
        location: MESH_INTERNAL
        resolution: STATIC
        endpoints:
        - {address: 10.5.0.1, labels: {version: a}}
        - {address: 10.5.0.2, labels: {version: b}}
      ---
      apiVersion: networking.istio.io/v1
      kind: ServiceEntry
      metadata: {name: api, namespace: default}
      spec:
        hosts: [api.example.com, pay.example.com]
        ports: [{number: 443, name: tls, protocol: TLS}]
        location: MESH_EXTERNAL
        resolution: DNS
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: db, namespace: default}
      spec:
        host: db.internal
        subsets:
        - {name: a, labels: {version: a}}
        - {name: b, labels: {version: b}}
      """;

  private static Result call(Mesh mesh, Request r) {
    return new Simulator(mesh.generate(Mesh.productpage())).run(r);
  }

  @Test
  void tcpServiceGetsAListenerOnItsVip() {
    Result r = call(Mesh.bookinfo().yaml(SERVICES), Request.tcp("240.0.0.10", 5432));
    assertThat(r.listener()).isEqualTo("240.0.0.10_5432");
    assertThat(r.singleCluster()).isEqualTo("outbound|5432||db.internal");
    assertThat(r.endpoints()).containsExactly("10.5.0.1:5432", "10.5.0.2:5432");
  }

  @Test
  void tcpToAnotherAddressOnThePortPassesThrough() {
    Result r = call(Mesh.bookinfo().yaml(SERVICES), Request.tcp("240.0.0.99", 5432));
    assertThat(r.singleCluster()).isEqualTo("PassthroughCluster");
  }

  @Test
  void tcpRoutesSplitByWeight() {
    Mesh mesh = Mesh.bookinfo().yaml(SERVICES).yaml("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: db, namespace: default}
        spec:
          hosts: [db.internal]
          tcp:
          - match: [{port: 5432}]
            route:
            - {destination: {host: db.internal, subset: a}, weight: 70}
            - {destination: {host: db.internal, subset: b}, weight: 30}
        """);
    Result r = call(mesh, Request.tcp("240.0.0.10", 5432));
    assertThat(r.clusters()).containsExactly(
        java.util.Map.entry("outbound|5432|a|db.internal", 70), java.util.Map.entry("outbound|5432|b|db.internal", 30));
    assertThat(r.endpoints()).containsExactly("10.5.0.1:5432");
  }

  @Test
  void tlsServicesAreRoutedBySni() {
    Mesh mesh = Mesh.bookinfo().yaml(SERVICES);
    Result api = call(mesh, Request.tls("api.example.com", 443));
    assertThat(api.listener()).isEqualTo("0.0.0.0_443");
    assertThat(api.singleCluster()).isEqualTo("outbound|443||api.example.com");
    assertThat(api.cluster().getType()).isEqualTo(Cluster.DiscoveryType.STRICT_DNS);
    assertThat(api.endpoints()).containsExactly("api.example.com:443");
    assertThat(call(mesh, Request.tls("pay.example.com", 443)).singleCluster()).isEqualTo("outbound|443||pay.example.com");
  }

  @Test
  void tlsRulesRedirectAnSniName() {
    Mesh mesh = Mesh.bookinfo().yaml(SERVICES).yaml("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: api, namespace: default}
        spec:
          hosts: [api.example.com]
          tls:
          - match: [{sniHosts: [api.example.com], port: 443}]
            route: [{destination: {host: pay.example.com, port: {number: 443}}}]
        """);
    assertThat(call(mesh, Request.tls("api.example.com", 443)).singleCluster()).isEqualTo("outbound|443||pay.example.com");
  }

  @Test
  void tlsWithAnUnknownSniFallsToNoChain() {
    assertThat(call(Mesh.bookinfo().yaml(SERVICES), Request.tls("evil.example.com", 443)).error()).contains("no filter chain");
  }

  @Test
  void resolutionNoneIsAnOriginalDestinationCluster() {
    Mesh mesh = Mesh.bookinfo().yaml("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: wild, namespace: default}
        spec:
          hosts: ["*.bar.com"]
          ports: [{number: 8000, name: http, protocol: HTTP}]
          location: MESH_EXTERNAL
          resolution: NONE
        """);
    Result r = call(mesh, Request.http("x.bar.com", 8000, "/"));
    assertThat(r.virtualHost()).isEqualTo("*.bar.com:8000");
    assertThat(r.cluster().getType()).isEqualTo(Cluster.DiscoveryType.ORIGINAL_DST);
  }
}
