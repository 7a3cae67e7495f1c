package io.trellis.control.xds;

import static io.trellis.control.xds.TestResources.cluster;
import static io.trellis.control.xds.TestResources.endpoints;
import static io.trellis.control.xds.TestResources.node;
import static io.trellis.control.xds.TestResources.routes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.trellis.control.xds.ProxyStatus.SyncState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What lets one server hold thousands of proxies: proxies with equal inputs share one generated
 * resource map and one subscription set instead of holding copies, a change is diffed once per
 * pair of generations, and a push still carries only what each proxy lacks — while ACK and NACK
 * stay tracked per proxy. Real gRPC streams over loopback; pushes run on the test thread.
 */
class XdsServerSharingTest {
  private static final String ONE = "sidecar~10.0.0.1~one.default~default.svc.cluster.local";
  private static final String TWO = "sidecar~10.0.0.2~two.default~default.svc.cluster.local";

  private final List<String> events = new CopyOnWriteArrayList<>();
  private XdsServer server;

  @BeforeEach
  void start() throws Exception {
    XdsResources shared = TestResources.base(1).add(routes("r2", "w1")).build();
    server =
        XdsServer.builder()
            .port(0)
            .generator(node -> shared)
            .pushExecutor(Runnable::run)
            .observer(
                new XdsObserver() {
                  @Override
                  public void pushed(ProxyNode node, String typeUrl, int count) {
                    events.add("push " + node.podName() + " " + XdsType.fromTypeUrl(typeUrl).orElseThrow().shortName());
                  }
                })
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static io.envoyproxy.envoy.config.route.v3.RouteConfiguration routeConfig(com.google.protobuf.Any any) {
    try {
      return any.unpack(io.envoyproxy.envoy.config.route.v3.RouteConfiguration.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static PushScope full() {
    return PushScope.full(Set.of(), Instant.now());
  }

  /** Subscribes like Envoy (EDS for both clusters, RDS for both route configs) and ACKs all. */
  private AdsTestClient synced(String id) {
    AdsTestClient c = AdsTestClient.sotw(server.port(), node(id));
    c.subscribe(XdsType.CLUSTER);
    c.ack(c.next(XdsType.CLUSTER));
    c.subscribe(XdsType.ENDPOINT, "a", "b");
    c.ack(c.next(XdsType.ENDPOINT), "a", "b");
    c.subscribe(XdsType.LISTENER);
    c.ack(c.next(XdsType.LISTENER));
    c.subscribe(XdsType.ROUTE, "r", "r2");
    c.ack(c.next(XdsType.ROUTE), "r", "r2");
    await().until(() -> server.status().stream().anyMatch(s -> s.node().id().equals(id) && allSynced(s)));
    return c;
  }

  private static boolean allSynced(ProxyStatus s) {
    return s.types().values().stream().allMatch(t -> t.state() == SyncState.SYNCED);
  }

  private TypeState state(String id, XdsType type) {
    ProxyConnection c = server.connection(id).orElseThrow();
    synchronized (c) {
      return c.types.get(type.typeUrl());
    }
  }

  @Test
  void proxiesWithEqualInputsShareTheGeneratedResourcesAndTheirSubscription() {
    try (AdsTestClient a = synced(ONE);
        AdsTestClient b = synced(TWO)) {
      for (XdsType type : XdsType.values()) {
        if (type.deltaOnly()) {
          continue; // these are state-of-the-world streams
        }
        assertThat(state(ONE, type).held).as(type + " held").isSameAs(state(TWO, type).held);
        assertThat(state(ONE, type).held).as(type + " held").isSameAs(server.generator().generate(null).ofType(type));
      }
      // Each stream parsed its own request; they keep one set between them.
      assertThat(state(ONE, XdsType.ENDPOINT).names).containsExactlyInAnyOrder("a", "b").isSameAs(state(TWO, XdsType.ENDPOINT).names);
      // proxy-config still shows each proxy what it was sent, and it is the one generated message.
      Object one = server.sentConfig(ONE).orElseThrow().ofType(XdsType.ROUTE).getFirst();
      Object two = server.sentConfig(TWO).orElseThrow().ofType(XdsType.ROUTE).getFirst();
      assertThat(one).isSameAs(two);
    }
  }

  @Test
  void anEndpointChangeSendsEdsOnlyToTheProxiesWatchingThatCluster() {
    try (AdsTestClient a = AdsTestClient.sotw(server.port(), node(ONE));
        AdsTestClient b = AdsTestClient.sotw(server.port(), node(TWO))) {
      a.subscribe(XdsType.ENDPOINT, "a");
      a.ack(a.next(XdsType.ENDPOINT), "a");
      b.subscribe(XdsType.ENDPOINT, "b");
      b.ack(b.next(XdsType.ENDPOINT), "b");
      await().until(() -> server.status().size() == 2 && server.status().stream().allMatch(s ->
          s.types().get(XdsType.ENDPOINT.typeUrl()).state() == SyncState.SYNCED));
      events.clear();

      XdsResources moved = TestResources.base(1).add(routes("r2", "w1")).add(endpoints("a", 9101)).build();
      server.update(node -> moved, PushScope.endpoints(Set.of(), Instant.now()));

      DiscoveryResponse eds = a.next(XdsType.ENDPOINT);
      assertThat(eds.getResourcesList()).extracting(x -> TestResources.unpackEndpoints(x).getClusterName()).containsExactly("a");
      // b watches only "b": the next thing on its stream answers a new subscription, not an EDS push.
      b.subscribe(XdsType.LISTENER);
      assertThat(b.next().getTypeUrl()).isEqualTo(XdsType.LISTENER.typeUrl());
      await().untilAsserted(() -> assertThat(events).containsExactly("push one EDS", "push two LDS"));
    }
  }

  @Test
  void aStateOfTheWorldRoutePushCarriesOnlyTheChangedRouteConfiguration() {
    try (AdsTestClient a = synced(ONE);
        AdsTestClient b = synced(TWO)) {
      XdsResources next = TestResources.base(1).add(routes("r2", "w2")).build();
      server.update(node -> next, full());
      for (AdsTestClient c : List.of(a, b)) {
        DiscoveryResponse rds = c.next(XdsType.ROUTE);
        assertThat(rds.getResourcesList())
            .extracting(x -> routeConfig(x).getName() + ":" + routeConfig(x).getVirtualHosts(0).getName())
            .containsExactly("r2:w2");
        c.ack(rds, "r", "r2");
      }
      // Both now hold the new generation's map itself, no per-proxy copy.
      await().until(() -> server.status().stream().allMatch(XdsServerSharingTest::allSynced));
      assertThat(state(ONE, XdsType.ROUTE).held).isSameAs(next.ofType(XdsType.ROUTE)).isSameAs(state(TWO, XdsType.ROUTE).held);
    }
  }

  @Test
  void aNackIsReportedForTheProxyThatSentItOnly() {
    try (AdsTestClient a = synced(ONE);
        AdsTestClient b = synced(TWO)) {
      XdsResources bad = TestResources.base(1).add(routes("r2", "w1")).add(cluster("bad", 0)).build();
      server.update(node -> bad, full());
      DiscoveryResponse forA = a.next(XdsType.CLUSTER);
      DiscoveryResponse forB = b.next(XdsType.CLUSTER);
      assertThat(forA.getResourcesList()).hasSize(3);
      a.nack(forA, "cluster bad: connect_timeout must be positive");
      b.ack(forB);
      await().untilAsserted(() -> {
        Map<String, ProxyStatus.TypeStatus> cds = new java.util.HashMap<>();
        server.status().forEach(s -> cds.put(s.node().id(), s.types().get(XdsType.CLUSTER.typeUrl())));
        assertThat(cds.get(ONE).state()).isEqualTo(SyncState.NACKED);
        assertThat(cds.get(ONE).error()).isEqualTo("cluster bad: connect_timeout must be positive");
        assertThat(cds.get(TWO).state()).isEqualTo(SyncState.SYNCED);
        assertThat(cds.get(TWO).ackedVersion()).isEqualTo(forB.getVersionInfo());
        assertThat(cds.get(ONE).ackedVersion()).isNotEqualTo(forA.getVersionInfo());
      });
    }
  }

  @Test
  void deltaProxiesShareTooAndAChangeSendsOnlyTheChangedResource() {
    try (AdsTestClient a = AdsTestClient.delta(server.port(), node(ONE));
        AdsTestClient b = AdsTestClient.delta(server.port(), node(TWO))) {
      for (AdsTestClient c : List.of(a, b)) {
        c.deltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(XdsType.ENDPOINT.typeUrl()).addResourceNamesSubscribe("a").addResourceNamesSubscribe("b"));
        DeltaDiscoveryResponse r = c.nextDelta();
        assertThat(r.getResourcesList()).extracting(Resource::getName).containsExactly("a", "b");
        c.deltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setResponseNonce(r.getNonce()));
      }
      await().until(() -> server.status().size() == 2 && server.status().stream().allMatch(s ->
          s.types().get(XdsType.ENDPOINT.typeUrl()).state() == SyncState.SYNCED));
      assertThat(state(ONE, XdsType.ENDPOINT).held).isSameAs(state(TWO, XdsType.ENDPOINT).held);
      assertThat(state(ONE, XdsType.ENDPOINT).names).isSameAs(state(TWO, XdsType.ENDPOINT).names);

      XdsResources moved = TestResources.base(1).add(routes("r2", "w1")).add(endpoints("b", 9202)).build();
      server.update(node -> moved, PushScope.endpoints(Set.of(), Instant.now()));
      for (AdsTestClient c : List.of(a, b)) {
        DeltaDiscoveryResponse r = c.nextDelta();
        assertThat(r.getResourcesList()).extracting(Resource::getName).containsExactly("b");
        assertThat(r.getRemovedResourcesList()).isEmpty();
        // The wire resource is built once per generation and shared by every response.
        assertThat(TestResources.unpackEndpoints(r.getResources(0).getResource()).getEndpoints(0).getLbEndpoints(0)
            .getEndpoint().getAddress().getSocketAddress().getPortValue()).isEqualTo(9202);
      }
    }
  }

  @Test
  void anAckThatNarrowsTheSubscriptionStopsPushesForTheDroppedName() {
    try (AdsTestClient a = synced(ONE);
        AdsTestClient b = synced(TWO)) {
      // ONE now asks for "a" only (in an ACK of the version it has); TWO keeps both.
      a.subscribe(XdsType.ENDPOINT, "a");
      DiscoveryResponse resent = a.next(XdsType.ENDPOINT);
      a.ack(resent, "a");
      await().until(() -> state(ONE, XdsType.ENDPOINT).names.equals(Set.of("a")));
      assertThat(state(ONE, XdsType.ENDPOINT).names).isNotSameAs(state(TWO, XdsType.ENDPOINT).names);
      events.clear();

      XdsResources moved = TestResources.base(1).add(routes("r2", "w1")).add(endpoints("b", 9202)).build();
      server.update(node -> moved, PushScope.endpoints(Set.of(), Instant.now()));
      assertThat(b.next(XdsType.ENDPOINT).getResourcesList())
          .extracting(x -> TestResources.unpackEndpoints(x).getClusterName())
          .containsExactly("b");
      a.subscribe(XdsType.LISTENER);
      assertThat(a.next().getTypeUrl()).as("ONE got no EDS push for b").isEqualTo(XdsType.LISTENER.typeUrl());
      await().untilAsserted(() -> assertThat(events).containsExactlyInAnyOrder("push two EDS", "push one LDS"));
    }
  }

  @Test
  void aDiffBetweenTwoGenerationsIsComputedOnceAndShared() {
    XdsResources before = TestResources.base(1).build();
    XdsResources after = XdsResources.builder().add(endpoints("a", 9001)).add(endpoints("c", 9003)).add(endpoints("b", 9202)).build();
    ResourceDiff.Cache cache = new ResourceDiff.Cache();
    ResourceDiff d = cache.between(before.ofType(XdsType.ENDPOINT), after.ofType(XdsType.ENDPOINT));
    assertThat(d.changed()).extracting(XdsResources.Resource::name).containsExactly("b", "c");
    assertThat(d.removed()).isEmpty();
    assertThat(cache.between(before.ofType(XdsType.ENDPOINT), after.ofType(XdsType.ENDPOINT))).isSameAs(d);
    ResourceDiff back = cache.between(after.ofType(XdsType.ENDPOINT), before.ofType(XdsType.ENDPOINT));
    assertThat(back.changed()).extracting(XdsResources.Resource::name).containsExactly("b");
    assertThat(back.removed()).containsExactly("c");
    assertThat(cache.between(after.ofType(XdsType.ENDPOINT), after.ofType(XdsType.ENDPOINT)).isEmpty()).isTrue();
  }
}
