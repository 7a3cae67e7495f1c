package io.trellis.control.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.sim.Mesh;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.Vhds;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a proxy on a delta stream is generated: its shape's state-of-the-world generation with route
 * configurations split for VHDS, computed once per shape, sharing every other type's map and every
 * message with the state-of-the-world form, and equal when built incrementally.
 */
class DeltaGenerationTest {
  private static final ProxyNode SOTW = Mesh.sidecar("default", Map.of("app", "productpage", "version", "v1"));
  private static final ProxyNode DELTA = SOTW.withDelta(true);
  private static final ProxyNode DELTA_TWIN = Mesh.sidecar("default", Map.of("app", "productpage", "version", "v1", "pod-template-hash", "x")).withDelta(true);

  @Test
  void routeConfigurationsAreSplitIntoVirtualHostsOncePerShape() {
    PushContext ctx = Mesh.bookinfo().push();
    XdsResources sotw = ctx.generate(SOTW);
    XdsResources delta = ctx.generate(DELTA);
    assertThat(ctx.generate(DELTA_TWIN)).as("one generation per shape").isSameAs(delta);
    assertThat(sotw.ofType(XdsType.VIRTUAL_HOST)).isEmpty();
    for (XdsType t : List.of(XdsType.CLUSTER, XdsType.ENDPOINT, XdsType.LISTENER)) {
      assertThat(delta.ofType(t)).as(t + " shared with the state-of-the-world form").isSameAs(sotw.ofType(t));
      assertThat(delta.digest(t.typeUrl())).isEqualTo(sotw.digest(t.typeUrl()));
    }
    assertThat(delta.ofType(XdsType.ROUTE).keySet()).isEqualTo(sotw.ofType(XdsType.ROUTE).keySet());

    List<String> expected = new ArrayList<>();
    for (XdsResources.Resource r : sotw.ofType(XdsType.ROUTE).values()) {
      RouteConfiguration inline = (RouteConfiguration) r.message();
      RouteConfiguration split = (RouteConfiguration) delta.ofType(XdsType.ROUTE).get(r.name()).message();
      assertThat(split.getVirtualHostsList()).isEmpty();
      assertThat(split.getVhds().getConfigSource().hasAds()).isTrue();
      assertThat(split.toBuilder().clearVhds().build()).isEqualTo(inline.toBuilder().clearVirtualHosts().build());
      for (VirtualHost vh : inline.getVirtualHostsList()) {
        String name = r.name() + "/" + vh.getName();
        expected.add(name);
        VirtualHost held = (VirtualHost) delta.ofType(XdsType.VIRTUAL_HOST).get(name).message();
        assertThat(held).isEqualTo(vh.toBuilder().setName(name).build());
      }
      List<VirtualHost> held = delta.ofType(XdsType.VIRTUAL_HOST).values().stream().map(x -> (VirtualHost) x.message()).toList();
      assertThat(Vhds.merged(split, held)).as("merging gives back the inline form").isEqualTo(inline);
    }
    assertThat(delta.ofType(XdsType.VIRTUAL_HOST).keySet()).containsExactlyInAnyOrderElementsOf(expected).contains("9080/allow_any");
  }

  @Test
  void incrementalContextsGenerateWhatFreshOnesDo() {
    Mesh mesh = Mesh.bookinfo();
    PushContextFactory factory = new PushContextFactory();
    XdsResources before = ((PushContext) factory.create(mesh.snapshot())).generate(DELTA);
    mesh.yaml(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route:
            - destination: {host: reviews, subset: v2}
        """);
    ConfigSnapshot after = new ConfigSnapshot(2, mesh.snapshot().resources(), List.of());
    XdsResources incremental = ((PushContext) factory.create(after)).generate(DELTA);
    XdsResources fresh = PushContext.build(after).generate(DELTA);
    assertThat(incremental).isEqualTo(fresh);
    // Only the reviews virtual host differs; the route configuration RDS carries did not change.
    assertThat(incremental.ofType(XdsType.ROUTE).get("9080").hash()).isEqualTo(before.ofType(XdsType.ROUTE).get("9080").hash());
    List<String> changed = new ArrayList<>();
    incremental.ofType(XdsType.VIRTUAL_HOST).forEach((n, r) -> {
      XdsResources.Resource was = before.ofType(XdsType.VIRTUAL_HOST).get(n);
      if (was == null || !was.hash().equals(r.hash())) {
        changed.add(n);
      }
    });
    assertThat(changed).containsExactly("9080/reviews.default.svc.cluster.local:9080");
  }

  @Test
  void aRouteConfigurationThatCannotBeSplitStaysInline() {
    RouteConfiguration slash =
        RouteConfiguration.newBuilder().setName("r").addVirtualHosts(VirtualHost.newBuilder().setName("a/b").addDomains("*")).build();
    RouteConfiguration empty = RouteConfiguration.newBuilder().setName("e").build();
    assertThat(Vhds.of(slash)).isEmpty();
    assertThat(Vhds.of(empty)).isEmpty();
    XdsResources in = XdsResources.builder().add(slash).add(empty).build();
    assertThat(Vhds.apply(in, XdsResources.Resource::of, Vhds::of)).isSameAs(in);
    // Route configuration names may hold '/': the resource name splits at the last one.
    RouteConfiguration nested =
        RouteConfiguration.newBuilder().setName("a/b").addVirtualHosts(VirtualHost.newBuilder().setName("h").addDomains("*")).build();
    XdsResources split = Vhds.apply(XdsResources.builder().add(nested).build(), XdsResources.Resource::of, Vhds::of);
    assertThat(split.ofType(XdsType.VIRTUAL_HOST).keySet()).containsExactly("a/b/h");
    assertThat(Vhds.namespaceOf("a/b/h")).isEqualTo("a/b");
  }
}
