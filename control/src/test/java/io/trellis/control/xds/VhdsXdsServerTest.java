package io.trellis.control.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.model.PushContextFactory;
import io.trellis.control.sim.Mesh;
import io.trellis.control.status.ProxyConfigView;
import io.trellis.control.status.ProxyStatusView;
import io.trellis.control.xds.ProxyStatus.SyncState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * VHDS over a real delta ADS stream, with configuration translated by the push context from mesh
 * YAML: a delta sidecar gets route configurations without inline virtual hosts and each virtual
 * host as a {@code ROUTE_CONFIGURATION/VIRTUAL_HOST} resource, so a VirtualService change sends one
 * virtual host and no route configuration; a state-of-the-world sidecar is served as before.
 */
class VhdsXdsServerTest {
  private static final String DELTA_ID = "sidecar~10.0.0.1~client-0.client~client.svc.cluster.local";
  private static final String SOTW_ID = "sidecar~10.0.0.2~client-1.client~client.svc.cluster.local";
  private static final String PAY_HOST = "8080/pay.shop.svc.cluster.local:8080";

  private final Mesh mesh = Mesh.create();
  private final PushContextFactory contexts = new PushContextFactory();
  private final List<String> pushes = Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong version = new AtomicLong();
  private XdsServer server;

  private static String serviceEntry(String name) {
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
          - {address: 10.0.9.1, labels: {app: %1$s, version: v1}}
          - {address: 10.0.9.2, labels: {app: %1$s, version: v2}}
        """.formatted(name);
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

  private static Node node(String id) {
    return Node.newBuilder().setId(id).setUserAgentName("envoy").build();
  }

  @BeforeEach
  void start() throws Exception {
    for (String s : List.of("cart", "pay", "ship")) {
      mesh.yaml(s + "-se.yaml", serviceEntry(s));
      mesh.yaml(s + "-vs.yaml", virtualService(s, "v1"));
    }
    XdsObserver observer =
        new XdsObserver() {
          @Override
          public void pushed(ProxyNode node, String typeUrl, int resourceCount) {
            pushes.add(XdsType.fromTypeUrl(typeUrl).orElseThrow().shortName() + " " + resourceCount);
          }
        };
    server = XdsServer.builder().port(0).generator(generator()).observer(observer).pushExecutor(Runnable::run).start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** The next push context, built incrementally from the last, as the control plane does. */
  private XdsGenerator generator() {
    return contexts.create(new ConfigSnapshot(version.incrementAndGet(), mesh.snapshot().resources(), List.of()));
  }

  /** Pushes the mesh as it is now; pushes run on the calling thread, so they are done on return. */
  private void push() {
    pushes.clear();
    server.update(generator(), PushScope.full(Set.of(), Instant.now()));
  }

  private static DeltaDiscoveryRequest.Builder req(XdsType type) {
    return DeltaDiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl());
  }

  private static void ack(AdsTestClient c, DeltaDiscoveryResponse r) {
    c.deltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setResponseNonce(r.getNonce()));
  }

  private static DeltaDiscoveryResponse next(AdsTestClient c, XdsType type) {
    DeltaDiscoveryResponse r = c.nextDelta();
    assertThat(r.getTypeUrl()).as("type of the next response").isEqualTo(type.typeUrl());
    return r;
  }

  private static <T extends com.google.protobuf.Message> T unpack(Resource r, Class<T> type) {
    try {
      return r.getResource().unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** Subscribes RDS and VHDS to route configuration 8080 and ACKs both; returns the VHDS response. */
  private DeltaDiscoveryResponse subscribe(AdsTestClient c) {
    c.deltaRequest(req(XdsType.ROUTE).addResourceNamesSubscribe("8080"));
    DeltaDiscoveryResponse rds = next(c, XdsType.ROUTE);
    ack(c, rds);
    c.deltaRequest(req(XdsType.VIRTUAL_HOST).addResourceNamesSubscribe("8080"));
    DeltaDiscoveryResponse vhds = next(c, XdsType.VIRTUAL_HOST);
    ack(c, vhds);
    await().until(() -> server.status().getFirst().types().get(XdsType.VIRTUAL_HOST.typeUrl()).state() == SyncState.SYNCED);
    return vhds;
  }

  @Test
  void routeConfigurationComesWithVhdsAndItsVirtualHostsAsResources() {
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(DELTA_ID))) {
      c.deltaRequest(req(XdsType.ROUTE).addResourceNamesSubscribe("8080"));
      DeltaDiscoveryResponse rds = next(c, XdsType.ROUTE);
      assertThat(rds.getResourcesList()).extracting(Resource::getName).containsExactly("8080");
      RouteConfiguration rc = unpack(rds.getResources(0), RouteConfiguration.class);
      assertThat(rc.getName()).isEqualTo("8080");
      assertThat(rc.getVirtualHostsList()).isEmpty();
      assertThat(rc.getVhds().getConfigSource().hasAds()).isTrue();
      assertThat(rc.getVhds().getConfigSource().getResourceApiVersion()).isEqualTo(ApiVersion.V3);
      assertThat(rc.getValidateClusters().getValue()).as("other fields unchanged").isFalse();
      assertThat(rc.hasValidateClusters()).isTrue();
      ack(c, rds);

      c.deltaRequest(req(XdsType.VIRTUAL_HOST).addResourceNamesSubscribe("8080"));
      DeltaDiscoveryResponse vhds = next(c, XdsType.VIRTUAL_HOST);
      assertThat(vhds.getResourcesList())
          .extracting(Resource::getName)
          .containsExactlyInAnyOrder(
              "8080/cart.shop.svc.cluster.local:8080", PAY_HOST, "8080/ship.shop.svc.cluster.local:8080", "8080/allow_any");
      for (Resource r : vhds.getResourcesList()) {
        assertThat(unpack(r, VirtualHost.class).getName()).as("message name = resource name").isEqualTo(r.getName());
        assertThat(r.getVersion()).isNotEmpty();
      }
      VirtualHost pay =
          vhds.getResourcesList().stream().filter(r -> r.getName().equals(PAY_HOST)).map(r -> unpack(r, VirtualHost.class)).findFirst().orElseThrow();
      assertThat(pay.getDomainsList()).contains("pay.shop.svc.cluster.local");
      assertThat(pay.getRoutes(0).getRoute().getCluster()).isEqualTo("outbound|8080|v1|pay.shop.svc.cluster.local");
    }
  }

  @Test
  void aVirtualServiceChangeSendsOneVirtualHostAndNoRouteConfiguration() {
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(DELTA_ID))) {
      subscribe(c);
      mesh.yaml("pay-vs.yaml", virtualService("pay", "v2"));
      push();
      assertThat(pushes).as("responses the change caused").containsExactly("VHDS 1");
      DeltaDiscoveryResponse r = next(c, XdsType.VIRTUAL_HOST);
      assertThat(r.getResourcesList()).extracting(Resource::getName).containsExactly(PAY_HOST);
      assertThat(r.getRemovedResourcesList()).isEmpty();
      VirtualHost pay = unpack(r.getResources(0), VirtualHost.class);
      assertThat(pay.getName()).isEqualTo(PAY_HOST);
      assertThat(pay.getRoutes(0).getRoute().getCluster()).isEqualTo("outbound|8080|v2|pay.shop.svc.cluster.local");
      System.out.printf(
          "VHDS: a VirtualService change sent one delta response of %d bytes (%d virtual host)%n",
          r.getSerializedSize(), r.getResourcesCount());
    }
  }

  @Test
  void removingAServiceRemovesItsVirtualHostAndAddingOneSendsOnlyIt() {
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(DELTA_ID))) {
      subscribe(c);
      mesh.remove("ServiceEntry", "shop", "ship").remove("VirtualService", "shop", "ship");
      push();
      assertThat(pushes).containsExactly("VHDS 0");
      DeltaDiscoveryResponse removed = next(c, XdsType.VIRTUAL_HOST);
      assertThat(removed.getResourcesList()).isEmpty();
      assertThat(removed.getRemovedResourcesList()).containsExactly("8080/ship.shop.svc.cluster.local:8080");
      ack(c, removed);
      await().until(() -> server.status().getFirst().types().get(XdsType.VIRTUAL_HOST.typeUrl()).state() == SyncState.SYNCED);

      mesh.yaml("gift-se.yaml", serviceEntry("gift"));
      push();
      assertThat(pushes).containsExactly("VHDS 1");
      DeltaDiscoveryResponse added = next(c, XdsType.VIRTUAL_HOST);
      assertThat(added.getResourcesList()).extracting(Resource::getName).containsExactly("8080/gift.shop.svc.cluster.local:8080");
    }
  }

  @Test
  void unsubscribingTheRouteConfigurationStopsItsVirtualHosts() {
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(DELTA_ID))) {
      subscribe(c);
      c.deltaRequest(req(XdsType.VIRTUAL_HOST).addResourceNamesUnsubscribe("8080"));
      await().until(() -> server.status().getFirst().types().get(XdsType.VIRTUAL_HOST.typeUrl()).resources() == 0);
      mesh.yaml("pay-vs.yaml", virtualService("pay", "v2"));
      push();
      assertThat(pushes).as("nothing subscribed changed").isEmpty();

      // Subscribing again sends every virtual host (the proxy dropped them), the changed one too.
      c.deltaRequest(req(XdsType.VIRTUAL_HOST).addResourceNamesSubscribe("8080"));
      DeltaDiscoveryResponse again = next(c, XdsType.VIRTUAL_HOST);
      assertThat(again.getResourcesList()).hasSize(4);
      assertThat(c.pending()).isZero();
    }
  }

  @Test
  void aNewSubscriptionIsAnsweredEvenWhenThereIsNothingToSend() {
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(DELTA_ID))) {
      c.deltaRequest(req(XdsType.VIRTUAL_HOST).addResourceNamesSubscribe("no-such-routes"));
      DeltaDiscoveryResponse empty = next(c, XdsType.VIRTUAL_HOST);
      assertThat(empty.getResourcesList()).isEmpty();
      assertThat(empty.getRemovedResourcesList()).isEmpty();

      // While that response is outstanding, another new name: answered once the proxy ACKs.
      c.deltaRequest(req(XdsType.VIRTUAL_HOST).addResourceNamesSubscribe("also-none"));
      ack(c, empty);
      DeltaDiscoveryResponse second = next(c, XdsType.VIRTUAL_HOST);
      assertThat(second.getResourcesList()).isEmpty();
      assertThat(second.getNonce()).isNotEqualTo(empty.getNonce());
      ack(c, second);

      // A request that subscribes nothing new (an ACK) is not answered.
      await().until(() -> server.status().getFirst().types().get(XdsType.VIRTUAL_HOST.typeUrl()).state() == SyncState.SYNCED);
      assertThat(c.pending()).isZero();
    }
  }

  @Test
  void aReconnectingProxyGetsOnlyTheVirtualHostsItLacks() {
    String payHash;
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(DELTA_ID))) {
      payHash =
          subscribe(c).getResourcesList().stream().filter(r -> r.getName().equals(PAY_HOST)).findFirst().orElseThrow().getVersion();
    }
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(DELTA_ID))) {
      c.deltaRequest(
          req(XdsType.VIRTUAL_HOST)
              .addResourceNamesSubscribe("8080")
              .putInitialResourceVersions(PAY_HOST, payHash)
              .putInitialResourceVersions("8080/cart.shop.svc.cluster.local:8080", "stale")
              .putInitialResourceVersions("8080/gone.shop.svc.cluster.local:8080", "x")
              .putInitialResourceVersions("9090/other:9090", "x"));
      DeltaDiscoveryResponse r = next(c, XdsType.VIRTUAL_HOST);
      assertThat(r.getResourcesList())
          .extracting(Resource::getName)
          .containsExactlyInAnyOrder("8080/cart.shop.svc.cluster.local:8080", "8080/ship.shop.svc.cluster.local:8080", "8080/allow_any");
      // What it has under the subscribed name and should not: removed; other names are not ours to judge.
      assertThat(r.getRemovedResourcesList()).containsExactly("8080/gone.shop.svc.cluster.local:8080");
    }
  }

  @Test
  void deltaProxiesOfOneShapeShareTheirVirtualHostMaps() {
    String other = "sidecar~10.0.0.3~client-2.client~client.svc.cluster.local";
    try (AdsTestClient a = AdsTestClient.delta(server.port(), node(DELTA_ID));
        AdsTestClient b = AdsTestClient.delta(server.port(), node(other))) {
      subscribe(a);
      b.deltaRequest(req(XdsType.ROUTE).addResourceNamesSubscribe("8080"));
      ack(b, next(b, XdsType.ROUTE));
      b.deltaRequest(req(XdsType.VIRTUAL_HOST).addResourceNamesSubscribe("8080"));
      ack(b, next(b, XdsType.VIRTUAL_HOST));
      await().until(() -> server.status().stream().allMatch(s -> s.types().get(XdsType.VIRTUAL_HOST.typeUrl()).state() == SyncState.SYNCED));
      ProxyConnection one = server.connection(DELTA_ID).orElseThrow();
      ProxyConnection two = server.connection(other).orElseThrow();
      synchronized (one) {
        synchronized (two) {
          TypeState x = one.types.get(XdsType.VIRTUAL_HOST.typeUrl());
          TypeState y = two.types.get(XdsType.VIRTUAL_HOST.typeUrl());
          assertThat(x.held).hasSize(4).isSameAs(y.held).isSameAs(one.generated.ofType(XdsType.VIRTUAL_HOST));
          assertThat(x.heldGenerated).isTrue();
          assertThat(x.names).isSameAs(y.names);
        }
      }
    }
  }

  @Test
  void aStateOfTheWorldProxyStillGetsVirtualHostsInline() {
    try (AdsTestClient c = AdsTestClient.sotw(server.port(), node(SOTW_ID))) {
      c.subscribe(XdsType.ROUTE, "8080");
      DiscoveryResponse r = c.next(XdsType.ROUTE);
      RouteConfiguration rc;
      try {
        rc = r.getResources(0).unpack(RouteConfiguration.class);
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError(e);
      }
      assertThat(rc.hasVhds()).isFalse();
      assertThat(rc.getVirtualHostsList())
          .extracting(VirtualHost::getName)
          .containsExactly(
              "cart.shop.svc.cluster.local:8080", "pay.shop.svc.cluster.local:8080", "ship.shop.svc.cluster.local:8080", "allow_any");
      await().untilAsserted(() -> assertThat(server.status().getFirst().types()).doesNotContainKey(XdsType.VIRTUAL_HOST.typeUrl()));
    }
  }

  @Test
  void debugViewsShowMergedRoutesAndTheVhdsColumn() {
    try (AdsTestClient sotw = AdsTestClient.sotw(server.port(), node(SOTW_ID));
        AdsTestClient delta = AdsTestClient.delta(server.port(), node(DELTA_ID))) {
      sotw.subscribe(XdsType.ROUTE, "8080");
      sotw.ack(sotw.next(XdsType.ROUTE), "8080");
      subscribe(delta);

      SentConfig deltaSent = server.sentConfig(DELTA_ID).orElseThrow();
      SentConfig sotwSent = server.sentConfig(SOTW_ID).orElseThrow();
      assertThat(deltaSent.ofType(XdsType.ROUTE)).as("route configurations merged back").isEqualTo(sotwSent.ofType(XdsType.ROUTE));
      assertThat(ProxyConfigView.table(deltaSent, ProxyConfigView.Section.ROUTES))
          .isEqualTo(ProxyConfigView.table(sotwSent, ProxyConfigView.Section.ROUTES))
          .contains("pay.shop.svc.cluster.local:8080");

      await().untilAsserted(() -> {
        String table = ProxyStatusView.table(server.status(), List.of());
        assertThat(table).containsPattern("(?m)^NAME\\s+KIND\\s+CDS\\s+LDS\\s+EDS\\s+RDS\\s+VHDS\\s+PROTOCOL$");
        assertThat(table).containsPattern(java.util.regex.Pattern.quote(DELTA_ID) + "\\s+SIDECAR\\s+NOT SENT\\s+NOT SENT\\s+NOT SENT\\s+SYNCED\\s+SYNCED\\s+delta");
        assertThat(table).containsPattern(java.util.regex.Pattern.quote(SOTW_ID) + "\\s+SIDECAR\\s+NOT SENT\\s+NOT SENT\\s+NOT SENT\\s+SYNCED\\s+-\\s+sotw");
      });
    }
  }
}
