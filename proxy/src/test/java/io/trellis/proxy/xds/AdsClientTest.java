package io.trellis.proxy.xds;

import static io.trellis.proxy.xds.XdsFixtures.badRegexRoute;
import static io.trellis.proxy.xds.XdsFixtures.edsCluster;
import static io.trellis.proxy.xds.XdsFixtures.endpoints;
import static io.trellis.proxy.xds.XdsFixtures.prefixRoute;
import static io.trellis.proxy.xds.XdsFixtures.rdsListener;
import static io.trellis.proxy.xds.XdsFixtures.routes;
import static io.trellis.proxy.xds.XdsFixtures.staticCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.route.RouteConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ADS client against java-control-plane's server: subscriptions, ACK, NACK, removal, reconnect, delta. */
class AdsClientTest {
  private static final Node NODE = Node.newBuilder().setId("sidecar~127.0.0.1~test.default~default.svc.cluster.local").build();
  private static final List<XdsResourceType<?, ?>> TYPES =
      List.of(
          ClusterResource.INSTANCE,
          ClusterLoadAssignmentResource.INSTANCE,
          ListenerResource.INSTANCE,
          RouteConfigurationResource.INSTANCE);
  private static final Set<String> WILDCARD = Set.of(ClusterResource.TYPE_URL, ListenerResource.TYPE_URL);

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private final List<RejectedUpdate> rejections = new CopyOnWriteArrayList<>();
  private final List<Boolean> connections = new CopyOnWriteArrayList<>();
  /** What the listener answers for LDS updates: why they cannot be applied, or nothing. */
  private volatile List<String> listenerApplyErrors = List.of();
  private TestControlPlane server;
  private AdsClient client;

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
    executor.shutdownNow();
  }

  private AdsClient start(int port, boolean delta) {
    var channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    AdsClient[] self = new AdsClient[1];
    self[0] =
        new AdsClient(
            channel,
            NODE,
            delta,
            TYPES,
            WILDCARD,
            executor,
            Clock.systemUTC(),
            new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), new Random(1)),
            new AdsClient.Listener() {
              @Override
              public List<String> onUpdate(XdsResourceType<?, ?> type, String version, Map<String, ResourceEntry<?>> resources) {
                // What the composition root does: follow the references to EDS and RDS.
                if (type == ClusterResource.INSTANCE) {
                  Set<String> eds = new HashSet<>();
                  resources.values().forEach(e -> {
                    ClusterConfig c = (ClusterConfig) e.value();
                    if (c.type() == DiscoveryType.EDS) {
                      eds.add(c.edsName());
                    }
                  });
                  self[0].subscribe(ClusterLoadAssignmentResource.INSTANCE, eds);
                } else if (type == ListenerResource.INSTANCE) {
                  Set<String> rds = new HashSet<>();
                  resources.values().forEach(e -> rds.addAll(ListenerResource.rdsNames((ListenerConfig) e.value())));
                  self[0].subscribe(RouteConfigurationResource.INSTANCE, rds);
                  return listenerApplyErrors;
                }
                return List.of();
              }

              @Override
              public void onRejected(XdsResourceType<?, ?> type, RejectedUpdate rejection) {
                rejections.add(rejection);
              }

              @Override
              public void onConnected(boolean connected) {
                connections.add(connected);
              }
            });
    client = self[0];
    client.start();
    return client;
  }

  private void setVersion1() {
    server.set(
        "1",
        List.of(edsCluster("web"), staticCluster("static", 9000)),
        List.of(endpoints("web", 8080, 8081)),
        List.of(rdsListener("ingress", 0, "r1")),
        List.of(routes("r1", prefixRoute("/", "web"))));
  }

  private void awaitAllTypesAt(String version) {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (XdsResourceType<?, ?> type : TYPES) {
                assertThat(client.state(type).version()).as(type.shortName()).isEqualTo(version);
              }
            });
  }

  @Test
  void stateOfTheWorldFollowsReferencesAndAcks() throws Exception {
    server = new TestControlPlane().start(0);
    setVersion1();
    start(server.port(), false);
    awaitAllTypesAt("1");

    EndpointsConfig web = (EndpointsConfig) client.state(ClusterLoadAssignmentResource.INSTANCE).resources().get("web").value();
    assertThat(web.endpointCount()).isEqualTo(2);
    RouteConfig r1 = (RouteConfig) client.state(RouteConfigurationResource.INSTANCE).resources().get("r1").value();
    assertThat(r1.virtualHosts().getFirst().domains()).containsExactly("*");
    assertThat(client.state(ClusterResource.INSTANCE).resources()).containsOnlyKeys("web", "static");

    List<DiscoveryRequest> seen = server.requests();
    assertThat(seen.getFirst().getNode().getId()).isEqualTo(NODE.getId());
    assertThat(seen.stream().skip(1).filter(DiscoveryRequest::hasNode)).isEmpty();
    // Every type was ACKed with the version it got and the nonce of that response.
    for (XdsResourceType<?, ?> type : TYPES) {
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () ->
                  server.requests().stream()
                      .anyMatch(
                          r -> r.getTypeUrl().equals(type.typeUrl())
                              && r.getVersionInfo().equals("1")
                              && !r.getResponseNonce().isEmpty()
                              && !r.hasErrorDetail()));
    }
    assertThat(seen.stream().filter(r -> r.getTypeUrl().equals(ClusterLoadAssignmentResource.TYPE_URL)).toList().getLast().getResourceNamesList())
        .containsExactly("web");
  }

  @Test
  void invalidRouteIsNackedWithItsPathAndTheLastGoodVersionStays() throws Exception {
    server = new TestControlPlane().start(0);
    setVersion1();
    start(server.port(), false);
    awaitAllTypesAt("1");

    server.set(
        "2",
        List.of(edsCluster("web"), staticCluster("static", 9000)),
        List.of(endpoints("web", 8080, 8081)),
        List.of(rdsListener("ingress", 0, "r1")),
        List.of(routes("r1", prefixRoute("/ok", "web"), badRegexRoute("web"))));

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.requests().stream().anyMatch(r -> r.hasErrorDetail() && r.getTypeUrl().equals(RouteConfigurationResource.TYPE_URL)));
    DiscoveryRequest nack =
        server.requests().stream().filter(DiscoveryRequest::hasErrorDetail).findFirst().orElseThrow();
    assertThat(nack.getVersionInfo()).isEqualTo("1");
    assertThat(nack.getResponseNonce()).isNotEmpty();
    assertThat(nack.getErrorDetail().getCode()).isEqualTo(3);
    assertThat(nack.getErrorDetail().getMessage())
        .startsWith("RouteConfiguration [r1] Virtual host [all] Route [bad] match safe_regex: match.safe_regex.regex: '/api/(unclosed'");

    TypeState routes = client.state(RouteConfigurationResource.INSTANCE);
    assertThat(routes.version()).isEqualTo("1");
    RouteConfig kept = (RouteConfig) routes.resources().get("r1").value();
    assertThat(kept.virtualHosts().getFirst().routes()).hasSize(1);
    assertThat(routes.lastRejection().version()).isEqualTo("2");
    assertThat(routes.lastRejection().failedResources()).containsOnlyKeys("r1");
    assertThat(rejections).hasSize(1);
    // The other types moved on to version 2.
    await().atMost(Duration.ofSeconds(5)).until(() -> client.state(ClusterResource.INSTANCE).version().equals("2"));
  }

  @Test
  void removedClustersAndListenersAreRemoved() throws Exception {
    server = new TestControlPlane().start(0);
    setVersion1();
    start(server.port(), false);
    awaitAllTypesAt("1");
    server.set("2", List.of(staticCluster("static", 9000)), List.of(), List.of(), List.of());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(client.state(ClusterResource.INSTANCE).resources()).containsOnlyKeys("static");
              assertThat(client.state(ListenerResource.INSTANCE).resources()).isEmpty();
              // No cluster names EDS and no listener names RDS any more: those are dropped too.
              assertThat(client.state(ClusterLoadAssignmentResource.INSTANCE).resources()).isEmpty();
              assertThat(client.state(RouteConfigurationResource.INSTANCE).resources()).isEmpty();
            });
  }

  @Test
  void reconnectsAfterTheServerRestartsAndResumes() throws Exception {
    reconnectAndResume(false);
    // The new stream announced itself with the node again and resumed from the held version.
    DiscoveryRequest first = server.requests().getFirst();
    assertThat(first.getNode().getId()).isEqualTo(NODE.getId());
    assertThat(first.getVersionInfo()).isEqualTo("1");
    // "static" was removed while the proxy was away; the new state of the world dropped it.
    assertThat(client.state(ClusterResource.INSTANCE).resources()).containsOnlyKeys("web");
  }

  @Test
  void deltaReconnectsAndResumesWithTheVersionsItHolds() throws Exception {
    reconnectAndResume(true);
    var first = server.deltaRequests().getFirst();
    assertThat(first.getNode().getId()).isEqualTo(NODE.getId());
    assertThat(server.deltaRequests().stream().filter(r -> r.getTypeUrl().equals(ClusterResource.TYPE_URL)).findFirst().orElseThrow()
            .getInitialResourceVersionsMap())
        .containsOnlyKeys("web", "static");
    // Whether "static", removed while the proxy was away, is removed here is the server's call (it
    // must answer initial_resource_versions with removed_resources); java-control-plane 1.0.49 does
    // not, so this test does not assert it.
  }

  private void reconnectAndResume(boolean delta) throws Exception {
    server = new TestControlPlane().start(0);
    int port = server.port();
    setVersion1();
    start(port, delta);
    await().atMost(Duration.ofSeconds(10)).until(() -> client.state(ClusterLoadAssignmentResource.INSTANCE).resources().containsKey("web")
        && client.state(RouteConfigurationResource.INSTANCE).resources().containsKey("r1"));
    assertThat(connections).containsExactly(true);
    server.stop();
    await().atMost(Duration.ofSeconds(5)).until(() -> client.streamsOpened() >= 2);
    assertThat(connections).containsExactly(true, false);
    // The restarted server already has its configuration when the proxy comes back (as a real one
    // would after recomputing it): "static" was removed meanwhile.
    server = new TestControlPlane();
    server.set(
        "2",
        List.of(edsCluster("web")),
        List.of(endpoints("web", 8082)),
        List.of(rdsListener("ingress", 0, "r1")),
        List.of(routes("r1", prefixRoute("/", "web"))));
    server.start(port);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              EndpointsConfig web = (EndpointsConfig) client.state(ClusterLoadAssignmentResource.INSTANCE).resources().get("web").value();
              assertThat(web.localities().getFirst().endpoints().getFirst().port()).isEqualTo(8082);
            });
    assertThat(connections).containsExactly(true, false, true);
  }

  @Test
  void deltaStreamSubscribesAcksAndNacks() throws Exception {
    server = new TestControlPlane().start(0);
    setVersion1();
    start(server.port(), true);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(client.state(ClusterResource.INSTANCE).resources()).containsOnlyKeys("web", "static");
              assertThat(client.state(ClusterLoadAssignmentResource.INSTANCE).resources()).containsOnlyKeys("web");
              assertThat(client.state(ListenerResource.INSTANCE).resources()).containsOnlyKeys("ingress");
              assertThat(client.state(RouteConfigurationResource.INSTANCE).resources()).containsOnlyKeys("r1");
            });
    assertThat(server.deltaRequests().getFirst().getNode().getId()).isEqualTo(NODE.getId());
    assertThat(server.deltaRequests())
        .anyMatch(r -> r.getTypeUrl().equals(ClusterLoadAssignmentResource.TYPE_URL) && r.getResourceNamesSubscribeList().contains("web"));

    server.set(
        "2",
        List.of(edsCluster("web")),
        List.of(endpoints("web", 8080)),
        List.of(rdsListener("ingress", 0, "r1")),
        List.of(routes("r1", badRegexRoute("web"))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.deltaRequests().stream().anyMatch(r -> r.hasErrorDetail()));
    assertThat(server.deltaRequests().stream().filter(r -> r.hasErrorDetail()).findFirst().orElseThrow().getErrorDetail().getMessage())
        .contains("RouteConfiguration [r1]");
    // The removed cluster is removed; the bad route left the good one in place.
    await().atMost(Duration.ofSeconds(10)).until(() -> client.state(ClusterResource.INSTANCE).resources().keySet().equals(Set.of("web")));
    RouteConfig kept = (RouteConfig) client.state(RouteConfigurationResource.INSTANCE).resources().get("r1").value();
    assertThat(kept.virtualHosts().getFirst().routes()).hasSize(1);
    assertThat(kept.virtualHosts().getFirst().routes().getFirst().name()).isEmpty();
  }

  @Test
  void anUpdateTheListenerCannotApplyIsNackedAndRolledBack() throws Exception {
    server = new TestControlPlane().start(0);
    setVersion1();
    start(server.port(), false);
    awaitAllTypesAt("1");
    listenerApplyErrors = List.of("binding listeners [ingress2 (127.0.0.1:1)] failed: permission denied");
    server.set(
        "2",
        List.of(edsCluster("web")),
        List.of(endpoints("web", 8080)),
        List.of(rdsListener("ingress", 0, "r1"), rdsListener("ingress2", 1, "r1")),
        List.of(routes("r1", prefixRoute("/", "web"))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> server.requests().stream().anyMatch(r -> r.hasErrorDetail() && r.getTypeUrl().equals(ListenerResource.TYPE_URL)));
    DiscoveryRequest nack = server.requests().stream().filter(DiscoveryRequest::hasErrorDetail).findFirst().orElseThrow();
    assertThat(nack.getVersionInfo()).isEqualTo("1");
    assertThat(nack.getErrorDetail().getMessage()).isEqualTo("binding listeners [ingress2 (127.0.0.1:1)] failed: permission denied");
    TypeState listeners = client.state(ListenerResource.INSTANCE);
    assertThat(listeners.version()).isEqualTo("1");
    assertThat(listeners.resources()).containsOnlyKeys("ingress");
    assertThat(listeners.lastRejection().failedResources()).containsOnlyKeys("ingress2");
  }

  @Test
  void backoffGrowsWithJitterAndResets() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000), new Random(7));
    long[] caps = {100, 200, 400, 800, 1000, 1000};
    for (long cap : caps) {
      long d = backoff.nextDelay().toMillis();
      assertThat(d).isBetween(cap / 2, cap);
    }
    backoff.reset();
    assertThat(backoff.nextDelay().toMillis()).isBetween(50L, 100L);
  }
}
