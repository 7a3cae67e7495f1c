package io.trellis.proxy.e2e;

import static io.trellis.proxy.xds.XdsFixtures.ads;
import static io.trellis.proxy.xds.XdsFixtures.badRegexRoute;
import static io.trellis.proxy.xds.XdsFixtures.prefixRoute;
import static io.trellis.proxy.xds.XdsFixtures.rdsListener;
import static io.trellis.proxy.xds.XdsFixtures.staticCluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.Vhds;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.trellis.proxy.bootstrap.BootstrapLoader;
import io.trellis.proxy.server.ProxyServer;
import io.trellis.proxy.xds.Backoff;
import io.trellis.proxy.xds.ClusterResource;
import io.trellis.proxy.xds.DeltaAdsTestServer;
import io.trellis.proxy.xds.ListenerResource;
import io.trellis.proxy.xds.RouteConfigurationResource;
import io.trellis.proxy.xds.TestControlPlane;
import io.trellis.proxy.xds.VirtualHostResource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A proxy on delta ADS with VHDS, driven by a hand-written delta server (java-control-plane does not
 * serve VHDS), answered by curl: the listener waits for its first VHDS response, each virtual host
 * routes to its cluster, a VHDS update re-routes one host and leaves the other alone, an RDS update
 * keeps the VHDS hosts, a removed host 404s, and an invalid one is NACKed while routing stays.
 */
class VhdsE2ETest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NODE = "{id: sidecar~127.0.0.1~web-1.default~default.svc.cluster.local, cluster: web.default}";

  private final List<String> log = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Backends.NamedBackend> backends = new ArrayList<>();
  private DeltaAdsTestServer delta;
  private TestControlPlane sotw;
  private ProxyServer proxy;
  private int listenerPort;

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (delta != null) {
      delta.close();
    }
    if (sotw != null) {
      sotw.close();
    }
    backends.forEach(Backends.NamedBackend::close);
  }

  private Backends.NamedBackend backend(String name) throws Exception {
    Backends.NamedBackend b = new Backends.NamedBackend(name);
    backends.add(b);
    return b;
  }

  private static VirtualHost host(String name, String domain, String cluster) {
    return VirtualHost.newBuilder().setName(name).addDomains(domain).addRoutes(prefixRoute("/", cluster)).build();
  }

  private static RouteConfiguration vhdsRoutes(String name, VirtualHost... inline) {
    return RouteConfiguration.newBuilder()
        .setName(name)
        .setVhds(Vhds.newBuilder().setConfigSource(ads().toBuilder().setResourceApiVersion(ApiVersion.V3)))
        .addAllVirtualHosts(List.of(inline))
        .build();
  }

  private void startProxy(String bootstrapYaml) throws Exception {
    proxy =
        ProxyServer.start(
            BootstrapLoader.parse("vhds.yaml", bootstrapYaml),
            "vhds.yaml",
            ProxyServer.Options.defaults()
                .withConcurrency(1)
                .withConfigLog(log::add)
                .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), new Random(1))));
  }

  /** {@code curl -H 'Host: host' http://127.0.0.1:listener/path}: the status code and the body. */
  private Backends.Result curl(String host, String path) throws Exception {
    return Backends.run(
        10, "curl", "-s", "--max-time", "5", "-H", "Host: " + host, "-w", "\n%{http_code}", "http://127.0.0.1:" + listenerPort + path);
  }

  private String routedTo(String host) throws Exception {
    String[] lines = curl(host, "/where").out().split("\n");
    String status = lines[lines.length - 1];
    return status.equals("200") ? lines[0].split(" ")[0] : status;
  }

  private void awaitRoutedTo(String host, String expected) {
    await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(routedTo(host)).isEqualTo(expected));
  }

  private HttpResponse<String> admin(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<DeltaDiscoveryResponse> vhdsResponses() {
    return delta.responses().stream().filter(r -> r.getTypeUrl().equals(VirtualHostResource.TYPE_URL)).toList();
  }

  @Test
  void virtualHostsOverVhdsRouteUpdateAndRemoveOneHostAndAnInvalidOneIsNacked() throws Exception {
    var a = backend("a");
    var b = backend("b");
    var c = backend("c");
    listenerPort = Backends.freePort();
    delta = new DeltaAdsTestServer().start();
    delta.hold(VirtualHostResource.TYPE_URL);
    delta.put(ClusterResource.TYPE_URL, Map.of("a", staticCluster("a", a.port()), "b", staticCluster("b", b.port()), "c", staticCluster("c", c.port())));
    delta.put(ListenerResource.TYPE_URL, Map.of("ingress", rdsListener("ingress", listenerPort, "8080")));
    delta.put(RouteConfigurationResource.TYPE_URL, Map.of("8080", vhdsRoutes("8080")));
    delta.put(VirtualHostResource.TYPE_URL, Map.of("8080/a", host("8080/a", "a.example", "a"), "8080/b", host("8080/b", "b.example", "b")));
    startProxy(delta.deltaBootstrap(NODE));

    // The proxy subscribes VHDS by the route configuration's name; until the answer, the listener warms.
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> delta.requests().stream()
            .anyMatch(r -> r.getTypeUrl().equals(VirtualHostResource.TYPE_URL) && r.getResourceNamesSubscribeList().equals(List.of("8080"))));
    assertThat(delta.requests())
        .filteredOn(r -> r.getTypeUrl().equals(RouteConfigurationResource.TYPE_URL) && !r.getResponseNonce().isEmpty() && !r.hasErrorDetail())
        .isNotEmpty();
    assertThat(proxy.listenerPort("ingress")).isEqualTo(-1);
    assertThat(admin("/ready").statusCode()).isEqualTo(503);
    assertThat(curl("a.example", "/").out()).endsWith("\n000");

    delta.release(VirtualHostResource.TYPE_URL);
    awaitRoutedTo("a.example", "a");
    assertThat(routedTo("b.example")).isEqualTo("b");
    assertThat(routedTo("other.example")).isEqualTo("404");
    assertThat(admin("/ready").statusCode()).isEqualTo(200);
    // Namespace subscription: the one name, never the resources' own names.
    assertThat(delta.requests())
        .filteredOn(r -> r.getTypeUrl().equals(VirtualHostResource.TYPE_URL))
        .allSatisfy(r -> assertThat(r.getResourceNamesSubscribeList()).isSubsetOf("8080"));

    // One host changes cluster: one resource goes over the wire, the other host is untouched.
    delta.put(VirtualHostResource.TYPE_URL, Map.of("8080/a", host("8080/a", "a.example", "c")));
    awaitRoutedTo("a.example", "c");
    assertThat(vhdsResponses().getLast().getResourcesList()).extracting(Resource::getName).containsExactly("8080/a");
    assertThat(routedTo("b.example")).isEqualTo("b");

    // An RDS update of the route configuration keeps the VHDS hosts held.
    delta.put(RouteConfigurationResource.TYPE_URL, Map.of("8080", vhdsRoutes("8080", host("inline", "inline.example", "a"))));
    awaitRoutedTo("inline.example", "a");
    assertThat(routedTo("a.example")).isEqualTo("c");
    assertThat(routedTo("b.example")).isEqualTo("b");

    // A removed host 404s.
    delta.remove(VirtualHostResource.TYPE_URL, "8080/b");
    awaitRoutedTo("b.example", "404");
    assertThat(vhdsResponses().getLast().getRemovedResourcesList()).containsExactly("8080/b");
    assertThat(routedTo("a.example")).isEqualTo("c");

    // An invalid host is NACKed naming it; the previous hosts stay in force.
    delta.put(VirtualHostResource.TYPE_URL, Map.of("8080/a", host("8080/a", "a.example", "b").toBuilder().addRoutes(0, badRegexRoute("b")).build()));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> delta.requests().stream().anyMatch(r -> r.getTypeUrl().equals(VirtualHostResource.TYPE_URL) && r.hasErrorDetail()));
    DeltaDiscoveryRequest nack =
        delta.requests().stream().filter(r -> r.getTypeUrl().equals(VirtualHostResource.TYPE_URL) && r.hasErrorDetail()).findFirst().orElseThrow();
    assertThat(nack.getResponseNonce()).isEqualTo(vhdsResponses().getLast().getNonce());
    assertThat(nack.getErrorDetail().getMessage()).startsWith("VirtualHost [8080/a] Route [bad] match safe_regex").contains("/api/(unclosed");
    assertThat(log).anyMatch(l -> l.startsWith("NACKed VHDS version ") && l.contains("VirtualHost [8080/a]"));
    assertThat(routedTo("a.example")).isEqualTo("c");
    assertThat(routedTo("inline.example")).isEqualTo("a");

    // config_dump shows the route configuration merged, with the VHDS NACK as its error state.
    JsonNode routes = JSON.readTree(admin("/config_dump").body()).at("/configs/3/dynamic_route_configs/0");
    List<String> hostNames = new ArrayList<>();
    routes.at("/route_config/virtual_hosts").forEach(h -> hostNames.add(h.get("name").asText()));
    assertThat(hostNames).containsExactly("inline", "8080/a");
    assertThat(routes.at("/route_config/virtual_hosts/1/routes/0/route/cluster").asText()).isEqualTo("c");
    assertThat(routes.at("/error_state/details").asText()).contains("VirtualHost [8080/a]");
    String stats = admin("/stats").body();
    assertThat(stats).contains("http.vhds.update_rejected: 1\n");
    assertThat(stats).containsPattern("http\\.vhds\\.update_success: [3-9]\n");
  }

  @Test
  void aVhdsRouteConfigurationOnAStateOfTheWorldStreamIsNacked() throws Exception {
    var a = backend("a");
    listenerPort = Backends.freePort();
    sotw = new TestControlPlane().start(0);
    sotw.set(
        "1",
        List.of(staticCluster("a", a.port())),
        List.of(),
        List.of(rdsListener("ingress", listenerPort, "8080")),
        List.of(vhdsRoutes("8080", host("inline", "a.example", "a"))));
    startProxy(sotw.adsBootstrap(NODE));
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> sotw.requests().stream().anyMatch(r -> r.getTypeUrl().equals(RouteConfigurationResource.TYPE_URL) && r.hasErrorDetail()));
    DiscoveryRequest nack =
        sotw.requests().stream().filter(r -> r.getTypeUrl().equals(RouteConfigurationResource.TYPE_URL) && r.hasErrorDetail()).findFirst().orElseThrow();
    assertThat(nack.getErrorDetail().getMessage())
        .isEqualTo("RouteConfiguration [8080] vhds: vhds requires the delta xDS protocol (ADS with api_type DELTA_GRPC)");
    assertThat(proxy.listenerPort("ingress")).isEqualTo(-1);
    assertThat(sotw.requests()).noneMatch(r -> r.getTypeUrl().equals(VirtualHostResource.TYPE_URL));
  }
}
