package io.trellis.proxy.xds;

import static io.trellis.proxy.xds.XdsFixtures.badRegexRoute;
import static io.trellis.proxy.xds.XdsFixtures.prefixRoute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ADS client's VHDS rules on a real delta stream: namespace subscription, ignoring, unsubscribing. */
class AdsClientVhdsTest {
  private static final Node NODE = Node.newBuilder().setId("sidecar~127.0.0.1~test.default~default.svc.cluster.local").build();

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
  private DeltaAdsTestServer server;
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

  private static VirtualHost host(String name, String domain) {
    return VirtualHost.newBuilder().setName(name).addDomains(domain).addRoutes(prefixRoute("/", "web")).build();
  }

  private List<DeltaDiscoveryRequest> vhdsRequests() {
    return server.requests().stream().filter(r -> r.getTypeUrl().equals(VirtualHostResource.TYPE_URL)).toList();
  }

  private boolean acked(String nonce) {
    return vhdsRequests().stream().anyMatch(r -> r.getResponseNonce().equals(nonce) && !r.hasErrorDetail());
  }

  @Test
  void aRouteConfigurationNameCoversItsVirtualHostsAndNothingElseIsKept() throws Exception {
    server = new DeltaAdsTestServer().start();
    server.put(
        VirtualHostResource.TYPE_URL,
        Map.of(
            "8080/a", host("8080/a", "a.example"),
            "8080/b", host("8080/b", "b.example"),
            "9090/x", host("9090/x", "x.example"),
            "8080/sub/c", host("8080/sub/c", "c.example")));
    client =
        new AdsClient(
            NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build(),
            NODE,
            true,
            List.of(RouteConfigurationResource.INSTANCE, VirtualHostResource.INSTANCE),
            Set.of(),
            executor,
            Clock.systemUTC(),
            new Backoff(Duration.ofMillis(50), Duration.ofMillis(200), new Random(1)),
            new AdsClient.Listener() {
              @Override
              public List<String> onUpdate(XdsResourceType<?, ?> type, String version, Map<String, ResourceEntry<?>> resources) {
                return List.of();
              }

              @Override
              public void onRejected(XdsResourceType<?, ?> type, RejectedUpdate rejection) {}
            });
    client.start();
    client.subscribe(VirtualHostResource.INSTANCE, Set.of("8080"));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(client.state(VirtualHostResource.INSTANCE).resources()).containsOnlyKeys("8080/a", "8080/b"));
    assertThat(vhdsRequests().getFirst().getResourceNamesSubscribeList()).containsExactly("8080");

    // A host under no subscribed name is ignored, valid or not: ACKed, never held, never NACKed.
    String valid = server.sendUnsolicited(VirtualHostResource.TYPE_URL, "9090/y", host("9090/y", "y.example")).getFirst();
    await().atMost(Duration.ofSeconds(10)).until(() -> acked(valid));
    String invalid =
        server.sendUnsolicited(
                VirtualHostResource.TYPE_URL, "9090/bad", host("9090/bad", "bad.example").toBuilder().addRoutes(badRegexRoute("web")).build())
            .getFirst();
    await().atMost(Duration.ofSeconds(10)).until(() -> acked(invalid));
    assertThat(client.state(VirtualHostResource.INSTANCE).resources()).containsOnlyKeys("8080/a", "8080/b");
    assertThat(client.state(VirtualHostResource.INSTANCE).lastRejection()).isNull();

    // An invalid host under the name NACKs the whole response: the held hosts stay as they were.
    server.put(
        VirtualHostResource.TYPE_URL,
        Map.of("8080/a", host("8080/a", "a2.example"), "8080/b", host("8080/b", "b.example").toBuilder().addRoutes(badRegexRoute("web")).build()));
    await().atMost(Duration.ofSeconds(10)).until(() -> vhdsRequests().stream().anyMatch(DeltaDiscoveryRequest::hasErrorDetail));
    assertThat(vhdsRequests().stream().filter(DeltaDiscoveryRequest::hasErrorDetail).findFirst().orElseThrow().getErrorDetail().getMessage())
        .startsWith("VirtualHost [8080/b] Route [bad]");
    var held = client.state(VirtualHostResource.INSTANCE);
    assertThat(((io.trellis.proxy.config.route.VirtualHostConfig) held.resources().get("8080/a").value()).domains()).containsExactly("a.example");
    assertThat(held.lastRejection().failedResources()).containsOnlyKeys("8080/b");

    // A resource whose name is not its message's name is refused too (removals go by resource name).
    server.put(VirtualHostResource.TYPE_URL, Map.of("8080/c", host("8080/other", "c.example")));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> vhdsRequests().stream().filter(DeltaDiscoveryRequest::hasErrorDetail).count() == 2);
    assertThat(vhdsRequests().stream().filter(DeltaDiscoveryRequest::hasErrorDetail).toList().getLast().getErrorDetail().getMessage())
        .isEqualTo("VirtualHost [8080/c]: resource name differs from the message's name (expected: the same"
            + " <route configuration name>/<virtual host name> in both)");
    assertThat(client.state(VirtualHostResource.INSTANCE).resources()).containsOnlyKeys("8080/a", "8080/b");

    // Unsubscribing the name drops every host under it and tells the server.
    client.subscribe(VirtualHostResource.INSTANCE, Set.of());
    await().atMost(Duration.ofSeconds(10)).until(() -> client.state(VirtualHostResource.INSTANCE).resources().isEmpty());
    await().atMost(Duration.ofSeconds(10)).until(() -> vhdsRequests().getLast().getResourceNamesUnsubscribeList().equals(List.of("8080")));
  }
}
