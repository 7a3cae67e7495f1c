package io.trellis.proxy.e2e;

import static io.trellis.proxy.xds.XdsFixtures.edsCluster;
import static io.trellis.proxy.xds.XdsFixtures.endpoints;
import static io.trellis.proxy.xds.XdsFixtures.prefixRoute;
import static io.trellis.proxy.xds.XdsFixtures.rdsListener;
import static io.trellis.proxy.xds.XdsFixtures.routes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.trellis.proxy.bootstrap.NodeIdentity;
import io.trellis.proxy.bootstrap.XdsBootstrap;
import io.trellis.proxy.server.ProxyServer;
import io.trellis.proxy.xds.Backoff;
import io.trellis.proxy.xds.ListenerResource;
import io.trellis.proxy.xds.TestControlPlane;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The bootstrap {@code trellis proxy --xds} generates, over the delta protocol: the control plane sees
 * the node as Istio's sidecars announce it, the proxy serves what it is sent, and a listener whose
 * filter has an unknown type URL is NACKed while the running listener keeps serving.
 */
class XdsIdentityE2ETest {
  private final List<String> log = new CopyOnWriteArrayList<>();
  private Backends.NamedBackend backend;
  private TestControlPlane controlPlane;
  private ProxyServer proxy;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (controlPlane != null) {
      controlPlane.close();
    }
    if (backend != null) {
      backend.close();
    }
  }

  @Test
  void sidecarIdentityOverDeltaAdsAndAnUnknownFilterIsNacked() throws Exception {
    backend = new Backends.NamedBackend("reviews");
    controlPlane = new TestControlPlane().start(0);
    int listenerPort = Backends.freePort();
    controlPlane.set(
        "1",
        List.of(edsCluster("reviews")),
        List.of(endpoints("reviews", backend.port())),
        List.of(rdsListener("inbound", listenerPort, "reviews-routes")),
        List.of(routes("reviews-routes", prefixRoute("/", "reviews"))));
    NodeIdentity identity =
        new NodeIdentity(
            NodeIdentity.Role.SIDECAR, "127.0.0.1", "reviews-v1-7f9c", "bookinfo",
            Map.of("app", "reviews", "version", "v1"), "bookinfo-reviews", null, "0.1.0-test", null);
    proxy =
        ProxyServer.start(
            XdsBootstrap.create(identity, "127.0.0.1", controlPlane.port(), "127.0.0.1", 0, true),
            "--xds",
            ProxyServer.Options.defaults()
                .withConcurrency(1)
                .withConfigLog(log::add)
                .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1))));
    await().atMost(Duration.ofSeconds(20)).until(() -> proxy.state().initialized());

    DeltaDiscoveryRequest first = controlPlane.deltaRequests().getFirst();
    assertThat(first.getNode().getId()).isEqualTo("sidecar~127.0.0.1~reviews-v1-7f9c.bookinfo~bookinfo.svc.cluster.local");
    assertThat(first.getNode().getCluster()).isEqualTo("reviews.bookinfo");
    var metadata = first.getNode().getMetadata().getFieldsMap();
    assertThat(metadata.get("NAMESPACE").getStringValue()).isEqualTo("bookinfo");
    assertThat(metadata.get("SERVICE_ACCOUNT").getStringValue()).isEqualTo("bookinfo-reviews");
    assertThat(metadata.get("CLUSTER_ID").getStringValue()).isEqualTo("Kubernetes");
    assertThat(metadata.get("TRELLIS_VERSION").getStringValue()).isEqualTo("0.1.0-test");
    assertThat(metadata.get("LABELS").getStructValue().getFieldsMap().get("version").getStringValue()).isEqualTo("v1");

    var ok = Backends.run(20, "curl", "-sS", "-m", "10", "http://127.0.0.1:" + listenerPort + "/reviews/1");
    assertThat(ok.out()).as(ok.err()).isEqualTo("reviews /reviews/1\n");

    Listener unknownFilter =
        Listener.newBuilder()
            .setName("inbound")
            .setAddress(io.trellis.proxy.xds.XdsFixtures.address("127.0.0.1", listenerPort))
            .addFilterChains(
                FilterChain.newBuilder()
                    .addFilters(Filter.newBuilder().setName("acme.magic").setTypedConfig(Any.pack(HTTPFault.getDefaultInstance()))))
            .build();
    controlPlane.set(
        "2",
        List.of(edsCluster("reviews")),
        List.of(endpoints("reviews", backend.port())),
        List.of(unknownFilter),
        List.of(routes("reviews-routes", prefixRoute("/", "reviews"))));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> controlPlane.deltaRequests().stream().anyMatch(r -> r.hasErrorDetail() && r.getTypeUrl().equals(ListenerResource.TYPE_URL)));
    String detail =
        controlPlane.deltaRequests().stream().filter(DeltaDiscoveryRequest::hasErrorDetail).findFirst().orElseThrow().getErrorDetail().getMessage();
    assertThat(detail)
        .isEqualTo(
            "Listener [inbound] filter_chains[0] filters[0]: filter 'acme.magic': unsupported type URL"
                + " type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault (expected: http_connection_manager or tcp_proxy)");
    var still = Backends.run(20, "curl", "-sS", "-m", "10", "http://127.0.0.1:" + listenerPort + "/reviews/2");
    assertThat(still.out()).as(still.err()).isEqualTo("reviews /reviews/2\n");
    assertThat(log).anyMatch(l -> l.startsWith("NACKed LDS version 2: Listener [inbound]"));

  }
}
