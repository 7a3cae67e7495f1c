package io.trellis.control.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.sim.Mesh;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A push context built from the previous one must generate exactly what a fresh one generates,
 * for every kind of change, while taking over the clusters and endpoints the change left alone.
 */
class IncrementalPushContextTest {
  private static final ProxyNode CLIENT = Mesh.sidecar("client", Map.of("app", "client"));

  private static String serviceEntry(String name, String address) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: %1$s, namespace: shop}
        spec:
          hosts: [%1$s.shop.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 8080, name: http, protocol: HTTP}]
          endpoints:
          - {address: %2$s, labels: {app: %1$s, version: v1}}
          - {address: 10.0.9.2, labels: {app: %1$s, version: v2}}
        """.formatted(name, address);
  }

  private static String destinationRule(String name, String v2Label) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: %1$s, namespace: shop}
        spec:
          host: %1$s.shop.svc.cluster.local
          subsets:
          - {name: v1, labels: {version: v1}}
          - {name: v2, labels: {version: %2$s}}
        """.formatted(name, v2Label);
  }

  private static String virtualService(String name, String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %1$s, namespace: shop}
        spec:
          hosts: [%1$s.shop.svc.cluster.local]
          http:
          - route:
            - destination: {host: %1$s.shop.svc.cluster.local, subset: %2$s}
        """.formatted(name, subset);
  }

  private static Mesh mesh() {
    Mesh m = Mesh.create();
    for (String s : List.of("cart", "pay", "ship")) {
      m.yaml(s + "-se.yaml", serviceEntry(s, "10.0.1." + s.length()));
      m.yaml(s + "-dr.yaml", destinationRule(s, "v2"));
      m.yaml(s + "-vs.yaml", virtualService(s, "v1"));
    }
    return m;
  }

  private static XdsResources.Resource cluster(XdsResources r, String name) {
    return r.ofType(XdsType.CLUSTER).get(name);
  }

  private static XdsResources.Resource endpoints(XdsResources r, String name) {
    return r.ofType(XdsType.ENDPOINT).get(name);
  }

  /** Builds before and after, incrementally and afresh; returns {before, incremental after}. */
  private static XdsResources[] change(Mesh mesh, Runnable edit) {
    ConfigSnapshot before = mesh.snapshot();
    PushContext first = PushContext.build(before, MeshDefaults.ISTIO, null);
    XdsResources old = first.generate(CLIENT);
    edit.run();
    ConfigSnapshot after = new ConfigSnapshot(2, mesh.snapshot().resources(), List.of());
    XdsResources incremental = PushContext.build(after, MeshDefaults.ISTIO, first).generate(CLIENT);
    XdsResources fresh = PushContext.build(after, MeshDefaults.ISTIO, null).generate(CLIENT);
    assertThat(incremental).as("incremental generation equals a fresh one").isEqualTo(fresh);
    return new XdsResources[] {old, incremental};
  }

  @Test
  void aVirtualServiceChangeKeepsEveryClusterAndLoadAssignmentInstance() {
    Mesh mesh = mesh();
    XdsResources[] r = change(mesh, () -> mesh.yaml("pay-vs.yaml", virtualService("pay", "v2")));
    assertThat(r[1].ofType(XdsType.ROUTE)).isNotEqualTo(r[0].ofType(XdsType.ROUTE));
    List<String> services = r[0].ofType(XdsType.CLUSTER).keySet().stream().filter(c -> c.startsWith("outbound|")).toList();
    assertThat(services).hasSize(9);
    for (String c : services) {
      assertThat(cluster(r[1], c)).as(c).isSameAs(cluster(r[0], c));
    }
    for (String c : r[0].ofType(XdsType.ENDPOINT).keySet()) {
      assertThat(endpoints(r[1], c)).as(c).isSameAs(endpoints(r[0], c));
    }
  }

  @Test
  void anEndpointMoveRebuildsOnlyThatServicesLoadAssignments() {
    Mesh mesh = mesh();
    XdsResources[] r = change(mesh, () -> mesh.yaml("pay-se.yaml", serviceEntry("pay", "10.0.7.7")));
    String payV1 = "outbound|8080|v1|pay.shop.svc.cluster.local";
    String cartV1 = "outbound|8080|v1|cart.shop.svc.cluster.local";
    assertThat(endpoints(r[1], payV1).hash()).isNotEqualTo(endpoints(r[0], payV1).hash());
    assertThat(endpoints(r[1], payV1).message().toString()).contains("10.0.7.7");
    assertThat(endpoints(r[1], cartV1)).isSameAs(endpoints(r[0], cartV1));
    assertThat(cluster(r[1], cartV1)).isSameAs(cluster(r[0], cartV1));
  }

  @Test
  void aDestinationRuleChangeRebuildsThatServicesSubsets() {
    Mesh mesh = mesh();
    XdsResources[] r = change(mesh, () -> mesh.yaml("ship-dr.yaml", destinationRule("ship", "canary")));
    String shipV2 = "outbound|8080|v2|ship.shop.svc.cluster.local";
    assertThat(endpoints(r[1], shipV2).message().toString()).doesNotContain("10.0.9.2");
    assertThat(endpoints(r[0], shipV2).message().toString()).contains("10.0.9.2");
    String cartV2 = "outbound|8080|v2|cart.shop.svc.cluster.local";
    assertThat(endpoints(r[1], cartV2)).isSameAs(endpoints(r[0], cartV2));
  }

  @Test
  void removingAndAddingServicesAndRulesMatchesAFreshBuild() {
    Mesh mesh = mesh();
    change(mesh, () -> mesh.remove("DestinationRule", "shop", "cart"));
    Mesh other = mesh();
    change(other, () -> other.yaml("new-se.yaml", serviceEntry("gift", "10.0.3.3")));
    Mesh third = mesh();
    change(third, () -> third.remove("ServiceEntry", "shop", "ship"));
  }

  @Test
  void aServicePortChangeRebuildsItsClusters() {
    Mesh mesh = mesh();
    XdsResources[] r =
        change(mesh, () -> mesh.yaml("cart-se.yaml", serviceEntry("cart", "10.0.1.4").replace("number: 8080", "number: 9090")));
    assertThat(r[1].ofType(XdsType.CLUSTER)).containsKey("outbound|9090|v1|cart.shop.svc.cluster.local");
    assertThat(r[1].ofType(XdsType.CLUSTER)).doesNotContainKey("outbound|8080|v1|cart.shop.svc.cluster.local");
  }
}
