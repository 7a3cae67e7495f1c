package io.trellis.control.xds;

import static io.trellis.control.xds.TestResources.cluster;
import static io.trellis.control.xds.TestResources.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.trellis.control.xds.ProxyStatus.SyncState;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The delta (incremental) ADS protocol against a raw client on Envoy's stubs over loopback. */
class DeltaXdsServerTest {
  private static final String ID = "sidecar~10.0.0.1~app-1.default~default.svc.cluster.local";
  private XdsServer server;

  @BeforeEach
  void start() throws Exception {
    server = XdsServer.builder().port(0).generator(node -> TestResources.base(1).build()).pushExecutor(Runnable::run).start();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  private static DeltaDiscoveryRequest.Builder req(XdsType type) {
    return DeltaDiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl());
  }

  private static void ack(AdsTestClient c, DeltaDiscoveryResponse r) {
    c.deltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setResponseNonce(r.getNonce()));
  }

  private static PushScope full() {
    return PushScope.full(Set.of(), Instant.now());
  }

  @Test
  void wildcardSubscriptionThenOnlyChangesAndRemovals() {
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(ID))) {
      c.deltaRequest(req(XdsType.CLUSTER));
      DeltaDiscoveryResponse first = c.nextDelta();
      assertThat(first.getResourcesList()).extracting(Resource::getName).containsExactly("a", "b");
      assertThat(first.getResources(0).getVersion()).isNotEmpty();
      ack(c, first);
      await().until(() -> server.status().getFirst().types().get(XdsType.CLUSTER.typeUrl()).state() == SyncState.SYNCED);

      // b removed, a changed, c added: the response names exactly that.
      server.update(node -> XdsResources.builder().add(cluster("a", 2)).add(cluster("c", 1)).build(), full());
      DeltaDiscoveryResponse second = c.nextDelta();
      assertThat(second.getResourcesList()).extracting(Resource::getName).containsExactly("a", "c");
      assertThat(second.getRemovedResourcesList()).containsExactly("b");
      assertThat(TestResources.unpackCluster(second.getResources(0).getResource()).getConnectTimeout().getSeconds()).isEqualTo(2);

      // One outstanding response per type: this change waits for the ACK.
      server.update(node -> XdsResources.builder().add(cluster("a", 3)).add(cluster("c", 1)).build(), full());
      assertThat(server.status().getFirst().types().get(XdsType.CLUSTER.typeUrl()).state()).isEqualTo(SyncState.STALE);
      ack(c, second);
      DeltaDiscoveryResponse third = c.nextDelta();
      assertThat(third.getResourcesList()).extracting(Resource::getName).containsExactly("a");
      assertThat(third.getRemovedResourcesList()).isEmpty();
    }
  }

  @Test
  void namedSubscriptionsAndUnsubscriptions() {
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(ID))) {
      c.deltaRequest(req(XdsType.ENDPOINT).addResourceNamesSubscribe("a"));
      DeltaDiscoveryResponse r1 = c.nextDelta();
      assertThat(r1.getResourcesList()).extracting(Resource::getName).containsExactly("a");
      ack(c, r1);
      c.deltaRequest(req(XdsType.ENDPOINT).addResourceNamesSubscribe("b").addResourceNamesUnsubscribe("a"));
      DeltaDiscoveryResponse r2 = c.nextDelta();
      assertThat(r2.getResourcesList()).extracting(Resource::getName).containsExactly("b");
      ack(c, r2);
      // "a" is unsubscribed: changing it pushes nothing; changing "b" does.
      server.update(
          node -> TestResources.base(1).add(TestResources.endpoints("a", 1)).build(), full());
      server.update(
          node -> TestResources.base(1).add(TestResources.endpoints("a", 1)).add(TestResources.endpoints("b", 2)).build(), full());
      DeltaDiscoveryResponse r3 = c.nextDelta();
      assertThat(r3.getResourcesList()).extracting(Resource::getName).containsExactly("b");
    }
  }

  @Test
  void reconnectWithInitialVersionsGetsOnlyWhatDiffers() {
    String hashOfA = TestResources.base(1).build().ofType(XdsType.CLUSTER).get("a").hash();
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(ID))) {
      c.deltaRequest(
          req(XdsType.CLUSTER).putAllInitialResourceVersions(Map.of("a", hashOfA, "b", "stale", "gone", "x")));
      DeltaDiscoveryResponse r = c.nextDelta();
      assertThat(r.getResourcesList()).extracting(Resource::getName).containsExactly("b");
      assertThat(r.getRemovedResourcesList()).containsExactly("gone");
    }
  }

  @Test
  void nackIsRecordedWithTheProxysMessage() {
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(ID))) {
      c.deltaRequest(req(XdsType.CLUSTER));
      DeltaDiscoveryResponse r = c.nextDelta();
      c.deltaRequest(
          req(XdsType.CLUSTER)
              .setResponseNonce(r.getNonce())
              .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage("cluster a: bad")));
      await().untilAsserted(() -> {
        ProxyStatus.TypeStatus t = server.status().getFirst().types().get(XdsType.CLUSTER.typeUrl());
        assertThat(t.state()).isEqualTo(SyncState.NACKED);
        assertThat(t.error()).isEqualTo("cluster a: bad");
      });
    }
  }

  @Test
  void emptyWildcardTypeIsStillAnswered() throws Exception {
    server.update(node -> XdsResources.EMPTY, full());
    try (AdsTestClient c = AdsTestClient.delta(server.port(), node(ID))) {
      c.deltaRequest(req(XdsType.LISTENER));
      DeltaDiscoveryResponse r = c.nextDelta();
      assertThat(r.getResourcesList()).isEmpty();
      assertThat(r.getTypeUrl()).isEqualTo(XdsType.LISTENER.typeUrl());
      await().until(() -> server.status().getFirst().delta());
    }
  }
}
