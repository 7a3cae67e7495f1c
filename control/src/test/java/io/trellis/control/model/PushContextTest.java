package io.trellis.control.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.DestinationRule;
import io.trellis.control.sim.Mesh;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The push context's lookups, its per-shape cache, and the determinism the xDS server relies on. */
class PushContextTest {
  private static final String RULES = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: in-proxy-ns, namespace: client}
      spec: {host: reviews.default.svc.cluster.local}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: in-service-ns, namespace: default}
      spec: {host: reviews}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: mesh-wide, namespace: istio-system}
      spec: {host: "*.svc.cluster.local"}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: private, namespace: team}
      spec: {host: ratings.default.svc.cluster.local, exportTo: ["."]}
      """;

  private static String rule(PushContext ctx, String host, String proxyNs) {
    return ctx.destinationRule(host, proxyNs, "default").map(Resource::name).orElse("none");
  }

  @Test
  void destinationRulesAreLookedUpInIstiosOrder() {
    PushContext ctx = Mesh.bookinfo().yaml(RULES).push();
    assertThat(rule(ctx, "reviews.default.svc.cluster.local", "client")).isEqualTo("in-proxy-ns");
    assertThat(rule(ctx, "reviews.default.svc.cluster.local", "default")).isEqualTo("in-service-ns");
    assertThat(rule(ctx, "reviews.default.svc.cluster.local", "elsewhere")).isEqualTo("in-service-ns");
    assertThat(rule(ctx, "details.default.svc.cluster.local", "elsewhere")).isEqualTo("mesh-wide");
    // exportTo "." keeps the team's rule to the team.
    assertThat(rule(ctx, "ratings.default.svc.cluster.local", "elsewhere")).isEqualTo("mesh-wide");
    assertThat(rule(ctx, "ratings.default.svc.cluster.local", "team")).isEqualTo("private");
    assertThat(rule(ctx, "www.example.com", "default")).isEqualTo("none");
    Resource<DestinationRule> dr = ctx.destinationRule("reviews.default.svc.cluster.local", "default", "default").orElseThrow();
    assertThat(dr.spec().host()).isEqualTo("reviews");
  }

  @Test
  void virtualServicesInTheProxysNamespaceWin() {
    PushContext ctx = Mesh.bookinfo().yaml("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: a-default, namespace: default}
        spec: {hosts: [reviews], http: [{route: [{destination: {host: reviews}}]}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: b-client, namespace: client}
        spec: {hosts: [reviews.default.svc.cluster.local], http: [{route: [{destination: {host: reviews.default.svc.cluster.local}}]}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: c-wild, namespace: default}
        spec: {hosts: ["*.default.svc.cluster.local"], http: [{route: [{destination: {host: details}}]}]}
        """).push();
    String host = "reviews.default.svc.cluster.local";
    assertThat(ctx.meshVirtualService(host, "client", null).orElseThrow().resource().name()).isEqualTo("b-client");
    assertThat(ctx.meshVirtualService(host, "default", null).orElseThrow().resource().name()).isEqualTo("a-default");
    assertThat(ctx.meshVirtualService("ratings.default.svc.cluster.local", "default", null).orElseThrow().resource().name()).isEqualTo("c-wild");
  }

  @Test
  void proxiesOfOneShapeShareOneGeneration() {
    PushContext ctx = Mesh.bookinfo().push();
    ProxyNode a = Mesh.sidecar("default", Map.of("app", "reviews", "version", "v1"));
    ProxyNode b = Mesh.node("sidecar~10.1.0.99~reviews-v1-1.default~default.svc.cluster.local", "default", Map.of("app", "reviews", "version", "v1"), null);
    assertThat(ctx.generate(a)).isSameAs(ctx.generate(b));
    // Labels nothing observes do not split the cache: ratings serves the same port as reviews.
    assertThat(ctx.generate(Mesh.sidecar("default", Map.of("app", "ratings", "version", "v1", "pod-template-hash", "x"))))
        .isSameAs(ctx.generate(a));
    // A workload no service selects has no inbound ports: another shape.
    assertThat(ctx.generate(Mesh.sidecar("default", Map.of("app", "client")))).isNotSameAs(ctx.generate(a));
    // A namespace is a shape of its own.
    assertThat(ctx.generate(Mesh.sidecar("other", Map.of("app", "reviews", "version", "v1")))).isNotSameAs(ctx.generate(a));
  }

  @Test
  void sourceLabelsMatchesSplitTheCacheByTheLabelsTheyObserve() {
    PushContext ctx = Bookinfo().yaml("""
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - match: [{sourceLabels: {version: v2}}]
            route: [{destination: {host: reviews, subset: v2}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """).push();
    var v1 = ctx.generate(Mesh.sidecar("default", Map.of("app", "productpage", "version", "v1")));
    var v2 = ctx.generate(Mesh.sidecar("default", Map.of("app", "productpage", "version", "v2")));
    assertThat(v1).isNotEqualTo(v2);
    var route = (io.envoyproxy.envoy.config.route.v3.RouteConfiguration) v2.ofType(XdsType.ROUTE).get("9080").message();
    assertThat(route.getVirtualHostsList().stream().filter(vh -> vh.getName().startsWith("reviews")).findFirst().orElseThrow()
        .getRoutes(0).getRoute().getCluster()).isEqualTo("outbound|9080|v2|reviews.default.svc.cluster.local");
  }

  private static Mesh Bookinfo() {
    return Mesh.bookinfo();
  }

  @Test
  void rebuildingFromEqualConfigurationGivesEqualHashes() {
    XdsResources first = Mesh.bookinfo().yaml(RULES).generate(Mesh.productpage());
    XdsResources second = Mesh.bookinfo().yaml(RULES).generate(Mesh.productpage());
    assertThat(first).isEqualTo(second);
    assertThat(first.ofType(XdsType.CLUSTER).keySet()).isNotEmpty();
  }

  @Test
  void aChangeThatTouchesNoProxysServicesLeavesItsResourcesEqual() {
    String elsewhere = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: private, namespace: team}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          exportTo: ["."]
          http: [{route: [{destination: {host: reviews.default.svc.cluster.local, subset: v3}}]}]
        """;
    XdsResources before = Mesh.bookinfo().generate(Mesh.productpage());
    XdsResources after = Mesh.bookinfo().yaml(elsewhere).generate(Mesh.productpage());
    assertThat(after).isEqualTo(before);
    XdsResources teamAfter = Mesh.bookinfo().yaml(elsewhere).generate(Mesh.sidecar("team", Map.of("app", "t")));
    assertThat(teamAfter).isNotEqualTo(Mesh.bookinfo().generate(Mesh.sidecar("team", Map.of("app", "t"))));
  }

  @Test
  void anEndpointChangeChangesOnlyEndpoints() {
    XdsResources before = Mesh.bookinfo().generate(Mesh.productpage());
    XdsResources after = Mesh.bookinfo().yaml("""
        apiVersion: v1
        kind: Pod
        metadata: {name: reviews-v1-1, namespace: default, labels: {app: reviews, version: v1}}
        status: {phase: Running, podIP: 10.1.0.99}
        """).generate(Mesh.productpage());
    for (XdsType t : new XdsType[] {XdsType.CLUSTER, XdsType.LISTENER, XdsType.ROUTE}) {
      assertThat(after.ofType(t).keySet()).isEqualTo(before.ofType(t).keySet());
      after.ofType(t).forEach((name, r) -> assertThat(r.hash()).as(t + " " + name).isEqualTo(before.ofType(t).get(name).hash()));
    }
    assertThat(after.ofType(XdsType.ENDPOINT).get("outbound|9080||reviews.default.svc.cluster.local").hash())
        .isNotEqualTo(before.ofType(XdsType.ENDPOINT).get("outbound|9080||reviews.default.svc.cluster.local").hash());
  }
}
