package io.trellis.control.xds;

import static io.trellis.control.xds.TestResources.cluster;
import static io.trellis.control.xds.TestResources.endpoints;
import static io.trellis.control.xds.TestResources.node;
import static io.trellis.control.xds.TestResources.routes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.trellis.control.xds.ProxyStatus.SyncState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The state-of-the-world ADS protocol against a raw client on Envoy's stubs over loopback. Pushes
 * run on the test thread (a direct executor), so once {@code update} returns every response it
 * caused is on the wire; absence of a response is shown by a later response arriving first on the
 * same ordered stream.
 */
class XdsServerTest {
  private static final String SIDECAR = "sidecar~10.0.0.1~app-1.default~default.svc.cluster.local";

  private final List<String> events = new CopyOnWriteArrayList<>();
  private XdsServer server;

  private final XdsObserver recorder =
      new XdsObserver() {
        @Override
        public void pushed(ProxyNode node, String typeUrl, int count) {
          events.add("push " + node.podName() + " " + XdsType.fromTypeUrl(typeUrl).orElseThrow().shortName());
        }

        @Override
        public void nacked(ProxyNode node, String typeUrl, String error) {
          events.add("nack " + XdsType.fromTypeUrl(typeUrl).orElseThrow().shortName() + " " + error);
        }

        @Override
        public void converged(ProxyNode node, Duration sinceChange) {
          events.add("converged " + node.podName());
        }
      };

  @BeforeEach
  void start() throws Exception {
    server =
        XdsServer.builder()
            .port(0)
            .generator(node -> TestResources.base(1).build())
            .pushExecutor(Runnable::run)
            .observer(recorder)
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static PushScope full() {
    return PushScope.full(Set.of(), Instant.now());
  }

  /** Subscribes to all four types the way Envoy does and ACKs each response. */
  private String initialCdsVersion;

  private AdsTestClient syncedSidecar(String id) {
    AdsTestClient c = AdsTestClient.sotw(server.port(), node(id));
    c.subscribe(XdsType.CLUSTER);
    DiscoveryResponse cds = c.next(XdsType.CLUSTER);
    initialCdsVersion = cds.getVersionInfo();
    c.ack(cds);
    c.subscribe(XdsType.ENDPOINT, "a", "b");
    c.ack(c.next(XdsType.ENDPOINT), "a", "b");
    c.subscribe(XdsType.LISTENER);
    c.ack(c.next(XdsType.LISTENER));
    c.subscribe(XdsType.ROUTE, "r");
    c.ack(c.next(XdsType.ROUTE), "r");
    await().until(() -> server.status().size() == 1 && allSynced(server.status().getFirst()));
    return c;
  }

  private static boolean allSynced(ProxyStatus s) {
    return s.types().values().stream().allMatch(t -> t.state() == SyncState.SYNCED);
  }

  @Test
  void subscriptionsAreAnsweredWithWhatWasAskedForAndAckedToSynced() {
    try (AdsTestClient c = AdsTestClient.sotw(server.port(), node(SIDECAR))) {
      c.subscribe(XdsType.CLUSTER);
      DiscoveryResponse cds = c.next(XdsType.CLUSTER);
      assertThat(cds.getResourcesList()).hasSize(2);
      assertThat(cds.getVersionInfo()).isNotEmpty();
      assertThat(cds.getNonce()).isNotEmpty();
      await().until(() -> server.status().getFirst().types().get(XdsType.CLUSTER.typeUrl()).state() == SyncState.STALE);
      c.ack(cds);

      c.subscribe(XdsType.ENDPOINT, "b", "missing");
      DiscoveryResponse eds = c.next(XdsType.ENDPOINT);
      assertThat(eds.getResourcesList()).extracting(a -> TestResources.unpackEndpoints(a).getClusterName()).containsExactly("b");
      c.ack(eds, "b", "missing");

      await().untilAsserted(() -> {
        ProxyStatus s = server.status().getFirst();
        assertThat(s.node().id()).isEqualTo(SIDECAR);
        assertThat(s.node().namespace()).isEqualTo("default");
        assertThat(s.types().get(XdsType.CLUSTER.typeUrl()).state()).isEqualTo(SyncState.SYNCED);
        assertThat(s.types().get(XdsType.CLUSTER.typeUrl()).ackedVersion()).isEqualTo(cds.getVersionInfo());
        assertThat(s.types().get(XdsType.ENDPOINT.typeUrl()).state()).isEqualTo(SyncState.SYNCED);
        assertThat(s.types().get(XdsType.LISTENER.typeUrl()).state()).isEqualTo(SyncState.NOT_SENT);
        assertThat(s.types().get(XdsType.ROUTE.typeUrl()).state()).isEqualTo(SyncState.NOT_SENT);
      });
      SentConfig sent = server.sentConfig(SIDECAR).orElseThrow();
      assertThat(sent.ofType(XdsType.CLUSTER)).hasSize(2);
      assertThat(sent.ofType(XdsType.ENDPOINT)).hasSize(1);
    }
  }

  @Test
  void changesArePushedClustersThenEndpointsThenListenersThenRoutes() {
    try (AdsTestClient c = syncedSidecar(SIDECAR)) {
      XdsResources v2 =
          XdsResources.builder()
              .add(cluster("a", 2))
              .add(cluster("b", 1))
              .add(endpoints("a", 9101))
              .add(endpoints("b", 9002))
              .add(TestResources.listener("l", 8002))
              .add(routes("r", "v2"))
              .build();
      server.update(node -> v2, full());
      DiscoveryResponse cds = c.next(XdsType.CLUSTER);
      DiscoveryResponse eds = c.next(XdsType.ENDPOINT);
      DiscoveryResponse lds = c.next(XdsType.LISTENER);
      DiscoveryResponse rds = c.next(XdsType.ROUTE);
      // CDS is state of the world: both clusters. EDS carries only the changed assignment.
      assertThat(cds.getResourcesList()).hasSize(2);
      assertThat(eds.getResourcesList()).extracting(a -> TestResources.unpackEndpoints(a).getClusterName()).containsExactly("a");
      assertThat(lds.getResourcesList()).hasSize(1);
      assertThat(rds.getResourcesList()).hasSize(1);
      // Versions are content-derived: going back to the first content gives the first version.
      c.ack(cds);
      server.update(node -> TestResources.base(1).build(), full());
      DiscoveryResponse backCds = c.next(XdsType.CLUSTER);
      assertThat(backCds.getVersionInfo()).isNotEqualTo(cds.getVersionInfo()).isEqualTo(initialCdsVersion);
    }
  }

  @Test
  void sameContentIsNotPushedAgain() {
    try (AdsTestClient c = syncedSidecar(SIDECAR)) {
      events.clear();
      server.update(node -> TestResources.base(1).build(), full()); // equal content, new generator
      server.update(node -> TestResources.base(2).build(), full()); // listener and route differ
      assertThat(c.next().getTypeUrl()).isEqualTo(XdsType.LISTENER.typeUrl());
      assertThat(c.next().getTypeUrl()).isEqualTo(XdsType.ROUTE.typeUrl());
      // The observer hears of a push just after it is written, so the events may trail the stream.
      await().untilAsserted(() -> assertThat(events).containsExactly("push app-1 LDS", "push app-1 RDS"));
    }
  }

  @Test
  void onlyOneResponsePerTypeIsOutstandingAndLaterChangesAreCoalesced() {
    try (AdsTestClient c = syncedSidecar(SIDECAR)) {
      server.update(node -> TestResources.base(1).add(cluster("a", 2)).build(), full());
      DiscoveryResponse first = c.next(XdsType.CLUSTER);
      assertThat(first.getResourcesList()).hasSize(2);
      // Not acked yet: these two changes must wait, then go out as one response.
      server.update(node -> TestResources.base(1).add(cluster("a", 3)).build(), full());
      server.update(node -> TestResources.base(1).add(cluster("a", 4)).add(cluster("c", 1)).build(), full());
      assertThat(server.status().getFirst().types().get(XdsType.CLUSTER.typeUrl()).state()).isEqualTo(SyncState.STALE);
      c.ack(first);
      DiscoveryResponse coalesced = c.next(XdsType.CLUSTER);
      assertThat(coalesced.getResourcesList())
          .extracting(a -> TestResources.unpackCluster(a).getName() + ":" + TestResources.unpackCluster(a).getConnectTimeout().getSeconds())
          .containsExactly("a:4", "b:1", "c:1");
      // Nothing else was queued: the next message on the stream answers a new subscription.
      c.ack(coalesced);
      c.subscribe(XdsType.ROUTE, "r");
      assertThat(c.next().getTypeUrl()).isEqualTo(XdsType.ROUTE.typeUrl());
      await().untilAsserted(() -> // initial, first, coalesced
          assertThat(events.stream().filter(e -> e.equals("push app-1 CDS")).count()).isEqualTo(3));
    }
  }

  @Test
  void endpointOnlyChangePushesOnlyEndpoints() {
    try (AdsTestClient c = syncedSidecar(SIDECAR)) {
      events.clear();
      // Only the load assignment of "b" differs.
      XdsResources v2 = TestResources.base(1).add(endpoints("b", 9202)).build();
      server.update(node -> v2, PushScope.endpoints(Set.of(), Instant.now()));
      DiscoveryResponse eds = c.next(XdsType.ENDPOINT);
      assertThat(eds.getResourcesList()).extracting(a -> TestResources.unpackEndpoints(a).getClusterName()).containsExactly("b");
      c.ack(eds, "a", "b");
      // Nothing else was sent: the next message on the stream is the listener change that follows.
      server.update(node -> TestResources.base(2).add(endpoints("b", 9202)).build(), full());
      assertThat(c.next().getTypeUrl()).isEqualTo(XdsType.LISTENER.typeUrl());
      await().untilAsserted(() ->
          assertThat(events).filteredOn(e -> e.startsWith("push")).containsExactly("push app-1 EDS", "push app-1 LDS", "push app-1 RDS"));
    }
  }

  @Test
  void aChangeClassifiedAsEndpointsOnlyStillDeliversWhateverElseChanged() {
    try (AdsTestClient c = syncedSidecar(SIDECAR)) {
      // E.g. a WorkloadEntry behind a DNS ServiceEntry: its address lives in the cluster itself.
      XdsResources v2 = TestResources.base(1).add(cluster("a", 7)).add(endpoints("b", 9202)).build();
      server.update(node -> v2, PushScope.endpoints(Set.of(), Instant.now()));
      DiscoveryResponse cds = c.next(XdsType.CLUSTER);
      assertThat(cds.getResourcesList())
          .extracting(a -> TestResources.unpackCluster(a).getConnectTimeout().getSeconds())
          .containsExactly(7L, 1L);
      c.next(XdsType.ENDPOINT);
    }
  }

  @Test
  void convergenceIsRecordedWhenEveryTypeAChangeCausedIsAcknowledged() {
    try (AdsTestClient c = syncedSidecar(SIDECAR)) {
      events.clear();
      server.update(node -> TestResources.base(2).add(cluster("a", 2)).build(), full());
      DiscoveryResponse cds = c.next(XdsType.CLUSTER);
      DiscoveryResponse lds = c.next(XdsType.LISTENER);
      DiscoveryResponse rds = c.next(XdsType.ROUTE);
      c.ack(cds);
      c.ack(lds);
      // Not converged while RDS is outstanding; the status says so.
      await().until(() -> server.status().getFirst().types().get(XdsType.LISTENER.typeUrl()).state() == SyncState.SYNCED);
      assertThat(server.status().getFirst().types().get(XdsType.ROUTE.typeUrl()).state()).isEqualTo(SyncState.STALE);
      assertThat(events).doesNotContain("converged app-1");
      c.ack(rds, "r");
      await().untilAsserted(() -> assertThat(events).containsOnlyOnce("converged app-1"));
    }
  }

  @Test
  void nackIsRecordedAndTheProxyStaysOnItsConfigurationUntilTheNextChange() {
    try (AdsTestClient c = syncedSidecar(SIDECAR)) {
      server.update(node -> TestResources.base(1).add(cluster("bad", 0)).build(), full());
      DiscoveryResponse cds = c.next(XdsType.CLUSTER);
      c.nack(cds, "cluster bad: connect_timeout must be positive");
      await().untilAsserted(() -> {
        ProxyStatus.TypeStatus t = server.status().getFirst().types().get(XdsType.CLUSTER.typeUrl());
        assertThat(t.state()).isEqualTo(SyncState.NACKED);
        assertThat(t.error()).isEqualTo("cluster bad: connect_timeout must be positive");
      });
      await().untilAsserted(() -> assertThat(events).contains("nack CDS cluster bad: connect_timeout must be positive"));
      // The same content is not re-sent (it would be rejected again); a fix is.
      server.update(node -> TestResources.base(1).add(cluster("bad", 0)).build(), full());
      server.update(node -> TestResources.base(1).add(cluster("bad", 5)).build(), full());
      DiscoveryResponse fixed = c.next(XdsType.CLUSTER);
      assertThat(fixed.getResourcesList()).hasSize(3);
      c.ack(fixed);
      await().until(() -> server.status().getFirst().types().get(XdsType.CLUSTER.typeUrl()).state() == SyncState.SYNCED);
    }
  }

  @Test
  void aChangeReachesOnlyTheProxiesWhoseResourcesChanged() {
    try (AdsTestClient a = AdsTestClient.sotw(server.port(), node("sidecar~10.0.0.1~one.default~default.svc.cluster.local"));
        AdsTestClient b = AdsTestClient.sotw(server.port(), node("sidecar~10.0.0.2~two.default~default.svc.cluster.local"))) {
      for (AdsTestClient c : List.of(a, b)) {
        c.subscribe(XdsType.CLUSTER);
        c.ack(c.next(XdsType.CLUSTER));
      }
      await().until(() -> server.status().size() == 2);
      events.clear();
      // Only pod "one" gets a different cluster set.
      server.update(
          node -> node.podName().equals("one")
              ? XdsResources.builder().add(cluster("a", 9)).build()
              : TestResources.base(1).build(),
          full());
      assertThat(a.next(XdsType.CLUSTER).getResourcesList()).hasSize(1);
      b.subscribe(XdsType.LISTENER);
      assertThat(b.next().getTypeUrl()).as("b got no CDS push").isEqualTo(XdsType.LISTENER.typeUrl());
      await().untilAsserted(() -> assertThat(events).filteredOn(e -> e.startsWith("push two")).containsExactly("push two LDS"));
    }
  }

  @Test
  void edsAnswersTheNamesAskedForAndNewNamesGetTheirResources() {
    try (AdsTestClient c = AdsTestClient.sotw(server.port(), node(SIDECAR))) {
      c.subscribe(XdsType.ENDPOINT, "a");
      DiscoveryResponse first = c.next(XdsType.ENDPOINT);
      assertThat(first.getResourcesList()).extracting(x -> TestResources.unpackEndpoints(x).getClusterName()).containsExactly("a");
      c.ack(first, "a");
      // Widening the subscription in an ACK of the current version sends just the new name.
      c.request(XdsType.ENDPOINT, List.of("a", "b"), first.getVersionInfo(), first.getNonce());
      DiscoveryResponse second = c.next(XdsType.ENDPOINT);
      assertThat(second.getResourcesList()).extracting(x -> TestResources.unpackEndpoints(x).getClusterName()).containsExactly("b");
    }
  }

  @Test
  void aStreamWithoutANodeIsRejected() {
    try (AdsTestClient c = AdsTestClient.sotw(server.port(), io.envoyproxy.envoy.config.core.v3.Node.getDefaultInstance())) {
      c.subscribe(XdsType.CLUSTER);
      assertThat(c.nextError()).hasMessageContaining("INVALID_ARGUMENT");
    }
  }

  @Test
  void aRequestWithoutTypeUrlEndsTheStreamAndTheProxyLeavesTheStatus() {
    try (AdsTestClient c = syncedSidecar(SIDECAR)) {
      c.rawRequest(io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest.newBuilder().build());
      Throwable error = c.nextErrorSkippingResponses();
      assertThat(error).hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("type_url");
      await().until(() -> server.connectedProxies() == 0);
    }
  }

  @Test
  void disconnectedProxiesLeaveTheStatus() {
    AdsTestClient c = syncedSidecar(SIDECAR);
    assertThat(server.connectedProxies()).isEqualTo(1);
    c.close();
    await().until(() -> server.connectedProxies() == 0);
    assertThat(server.status()).isEmpty();
    assertThat(server.sentConfig(SIDECAR)).isEmpty();
  }
}
