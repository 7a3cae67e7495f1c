package io.trellis.control.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Struct;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalMeshRewriteTest {

  private static final String HCM = "envoy.filters.network.http_connection_manager";

  /** The shape of Istio's sidecar configuration for a pod serving 9080 and calling two services. */
  private static XdsResources istioSidecar() {
    return XdsResources.builder()
        .add(inboundCluster(9080))
        .add(Cluster.newBuilder().setName("outbound|9080||reviews.default.svc.cluster.local").setType(Cluster.DiscoveryType.EDS).build())
        .add(ClusterLoadAssignment.newBuilder().setClusterName("outbound|9080||reviews.default.svc.cluster.local").build())
        .add(
            Listener.newBuilder()
                .setName("virtualOutbound")
                .setAddress(address("0.0.0.0", 15001))
                .setUseOriginalDst(BoolValue.of(true))
                .addFilterChains(FilterChain.newBuilder().setName("virtualOutbound-catchall-tcp").addFilters(tcpProxy("PassthroughCluster")))
                .build())
        .add(
            Listener.newBuilder()
                .setName("virtualInbound")
                .setAddress(address("0.0.0.0", 15006))
                .addFilterChains(
                    FilterChain.newBuilder()
                        .setName("0.0.0.0_9080")
                        .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(9080)))
                        .addFilters(tcpProxy("inbound|9080||")))
                .addFilterChains(FilterChain.newBuilder().setName("virtualInbound-catchall").addFilters(tcpProxy("InboundPassthroughCluster")))
                .build())
        .add(unboundHttp(9080))
        .add(unboundHttp(80))
        .add(
            Listener.newBuilder()
                .setName("10.96.0.5_3306")
                .setAddress(address("10.96.0.5", 3306))
                .setBindToPort(BoolValue.of(false))
                .addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy("outbound|3306||mysql.default.svc.cluster.local")))
                .build())
        .add(
            Listener.newBuilder()
                .setName("127.0.0.1_7000")
                .setAddress(address("127.0.0.1", 7000))
                .addFilterChains(FilterChain.newBuilder().addFilters(tcpProxy("outbound|7000||cache.default.svc.cluster.local")))
                .build())
        .add(
            routes(
                "9080",
                vhost("reviews.default.svc.cluster.local:9080", "reviews.default.svc.cluster.local", "reviews.default.svc.cluster.local:9080", "reviews", "reviews:9080"),
                vhost("ratings.default.svc.cluster.local:9080", "ratings", "ratings:9080")))
        .add(routes("80", vhost("web.default.svc.cluster.local:80", "web", "web:80", "reviews:9080")))
        .build();
  }

  @Test
  void loopbackPodServesInboundOnItsMeshAddressAndSendsToTheApp() {
    XdsResources out = new LocalMeshGenerator(node -> istioSidecar()).generate(node("sidecar", Map.of(
        LocalNode.MODE, "LOOPBACK", LocalNode.MESH_IP, "127.10.0.1", LocalNode.APP_IP, "127.10.0.2")));

    Map<String, XdsResources.Resource> listeners = out.ofType(XdsType.LISTENER);
    assertThat(listeners).doesNotContainKeys("virtualOutbound", "virtualInbound", "0.0.0.0_9080", "0.0.0.0_80", "10.96.0.5_3306");
    Listener inbound = (Listener) listeners.get("127.10.0.1_9080").message();
    assertThat(inbound.getAddress().getSocketAddress().getAddress()).isEqualTo("127.10.0.1");
    assertThat(inbound.getAddress().getSocketAddress().getPortValue()).isEqualTo(9080);
    assertThat(inbound.getFilterChains(0).hasFilterChainMatch()).isFalse();
    assertThat(inbound.getFilterChains(0).getFilters(0).getTypedConfig().toString()).contains("inbound|9080||");

    Cluster app = (Cluster) out.ofType(XdsType.CLUSTER).get("inbound|9080||").message();
    assertThat(app.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress())
        .isEqualTo("127.10.0.2");
    assertThat(out.ofType(XdsType.CLUSTER)).containsKey("outbound|9080||reviews.default.svc.cluster.local");
    assertThat(out.ofType(XdsType.ENDPOINT)).containsKey("outbound|9080||reviews.default.svc.cluster.local");

    // An explicit egress listener on the shared loopback moves to the pod's own address.
    Listener egress = (Listener) listeners.get("127.10.0.1_7000").message();
    assertThat(egress.getAddress().getSocketAddress().getAddress()).isEqualTo("127.10.0.1");
    assertThat(listeners).doesNotContainKey("127.0.0.1_7000");
  }

  @Test
  void loopbackPodGetsOneHttpProxyWithEveryPortsHostsByHostAndPort() throws Exception {
    XdsResources out = new LocalMeshGenerator(node -> istioSidecar()).generate(node("sidecar", Map.of(
        LocalNode.MODE, "LOOPBACK", LocalNode.MESH_IP, "127.10.0.1", LocalNode.APP_IP, "127.10.0.2")));

    Listener proxy = (Listener) out.ofType(XdsType.LISTENER).get(LoopbackSidecarRewrite.HTTP_PROXY).message();
    assertThat(proxy.getAddress().getSocketAddress().getAddress()).isEqualTo("127.10.0.1");
    assertThat(proxy.getAddress().getSocketAddress().getPortValue()).isEqualTo(15001);
    HttpConnectionManager hcm = proxy.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    assertThat(hcm.getRds().getRouteConfigName()).isEqualTo(LoopbackSidecarRewrite.HTTP_PROXY);
    assertThat(hcm.getRds().getConfigSource().hasAds()).isTrue();

    RouteConfiguration merged = (RouteConfiguration) out.ofType(XdsType.ROUTE).get(LoopbackSidecarRewrite.HTTP_PROXY).message();
    Map<String, List<String>> domains = new java.util.LinkedHashMap<>();
    merged.getVirtualHostsList().forEach(v -> domains.put(v.getName(), v.getDomainsList()));
    // Port 80 keeps bare names (an HTTP client sends no port for 80) and its :80 names, but not a
    // name with another port that the port-9080 configuration owns.
    assertThat(domains.get("web.default.svc.cluster.local:80")).containsExactly("web", "web:80");
    assertThat(domains.get("reviews.default.svc.cluster.local:9080")).containsExactly("reviews.default.svc.cluster.local:9080", "reviews:9080");
    assertThat(domains.get("ratings.default.svc.cluster.local:9080")).containsExactly("ratings:9080");
    // Routes travel with their virtual host unchanged.
    VirtualHost reviews = merged.getVirtualHostsList().stream().filter(v -> v.getName().startsWith("reviews")).findFirst().orElseThrow();
    assertThat(reviews.getRoutes(0).getRoute().getCluster()).isEqualTo("outbound|9080||reviews.default.svc.cluster.local:9080");
    VirtualHost last = merged.getVirtualHosts(merged.getVirtualHostsCount() - 1);
    assertThat(last.getDomainsList()).containsExactly("*");
    assertThat(last.getRoutes(0).getDirectResponse().getStatus()).isEqualTo(502);
    // No domain appears twice (Envoy rejects that).
    List<String> all = merged.getVirtualHostsList().stream().flatMap(v -> v.getDomainsList().stream()).toList();
    assertThat(all).doesNotHaveDuplicates();
    // The per-port configurations stay for anyone else who names them.
    assertThat(out.ofType(XdsType.ROUTE)).containsKeys("9080", "80");
  }

  @Test
  void capturedPodGetsThePerPortListenersAsChainsOfTheCaptureListener() {
    XdsResources out = new LocalMeshGenerator(node -> istioSidecar()).generate(node("sidecar", Map.of(
        LocalNode.MODE, "NETNS", LocalNode.APP_IP, "10.250.0.7")));

    Map<String, XdsResources.Resource> listeners = out.ofType(XdsType.LISTENER);
    assertThat(listeners).containsKeys("virtualOutbound", "virtualInbound", "127.0.0.1_7000");
    assertThat(listeners).doesNotContainKeys("0.0.0.0_9080", "0.0.0.0_80", "10.96.0.5_3306");
    Listener vo = (Listener) listeners.get("virtualOutbound").message();
    assertThat(vo.getUseOriginalDst().getValue()).isTrue();
    List<FilterChain> chains = vo.getFilterChainsList();
    assertThat(chains).hasSize(4);
    FilterChain http = chains.stream().filter(c -> c.getFilterChainMatch().getDestinationPort().getValue() == 9080).findFirst().orElseThrow();
    assertThat(http.getFilterChainMatch().getPrefixRangesCount()).isZero();
    assertThat(http.getFilters(0).getName()).isEqualTo(HCM);
    FilterChain mysql = chains.stream().filter(c -> c.getFilterChainMatch().getDestinationPort().getValue() == 3306).findFirst().orElseThrow();
    assertThat(mysql.getFilterChainMatch().getPrefixRanges(0).getAddressPrefix()).isEqualTo("10.96.0.5");
    assertThat(mysql.getFilterChainMatch().getPrefixRanges(0).getPrefixLen().getValue()).isEqualTo(32);
    // The catch-all stays last and unmatched.
    assertThat(chains.getLast().getName()).isEqualTo("virtualOutbound-catchall-tcp");
    assertThat(chains.getLast().hasFilterChainMatch()).isFalse();
    assertThat(chains.stream().map(FilterChain::getName).toList()).doesNotHaveDuplicates();

    Cluster app = (Cluster) out.ofType(XdsType.CLUSTER).get("inbound|9080||").message();
    assertThat(app.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress())
        .isEqualTo("10.250.0.7");
  }

  @Test
  void gatewayBindsLoopbackAndServesItsHttpServerOnTheIngressPort() {
    XdsResources gateway =
        XdsResources.builder()
            .add(httpListener("0.0.0.0_8080", "0.0.0.0", 8080, "http.8080"))
            .add(httpListener("0.0.0.0_9443", "0.0.0.0", 9443, "https.9443"))
            .add(routes("http.8080", vhost("bookinfo", "*")))
            .build();
    XdsResources out = new LocalMeshGenerator(node -> gateway).generate(node("router", Map.of(
        LocalNode.MODE, "LOOPBACK", LocalNode.INGRESS_PORT, "18080")));
    Listener http = (Listener) out.ofType(XdsType.LISTENER).get("127.0.0.1_18080").message();
    assertThat(http.getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
    assertThat(http.getAddress().getSocketAddress().getPortValue()).isEqualTo(18080);
    Listener other = (Listener) out.ofType(XdsType.LISTENER).get("127.0.0.1_9443").message();
    assertThat(other.getAddress().getSocketAddress().getPortValue()).isEqualTo(9443);
    assertThat(out.ofType(XdsType.LISTENER)).hasSize(2);
    assertThat(out.ofType(XdsType.ROUTE)).containsKey("http.8080");
  }

  @Test
  void localProxiesSkipHttpFiltersTheyLackButNeverTheRouter() throws Exception {
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("inbound")
            .addHttpFilters(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter.newBuilder().setName("envoy.filters.http.fault"))
            .addHttpFilters(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter.newBuilder().setName("envoy.filters.http.router"))
            .build();
    XdsResources gateway =
        XdsResources.builder()
            .add(Listener.newBuilder().setName("0.0.0.0_8080").setAddress(address("0.0.0.0", 8080))
                .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder().setName(HCM).setTypedConfig(Any.pack(hcm)))).build())
            .build();
    XdsResources out = new LocalMeshGenerator(node -> gateway).generate(node("router", Map.of(LocalNode.MODE, "LOOPBACK")));
    Listener l = (Listener) out.ofType(XdsType.LISTENER).get("127.0.0.1_8080").message();
    HttpConnectionManager filters = l.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    assertThat(filters.getHttpFilters(0).getIsOptional()).isTrue();
    assertThat(filters.getHttpFilters(1).getIsOptional()).isFalse();
  }

  @Test
  void perRouteSettingsOfThoseFiltersAreOptionalToo() throws Exception {
    Any fault = Any.pack(io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault.newBuilder()
        .setAbort(io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort.newBuilder().setHttpStatus(500)).build());
    RouteConfiguration rc = RouteConfiguration.newBuilder().setName("http.8080")
        .addVirtualHosts(VirtualHost.newBuilder().setName("ratings").addDomains("*")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster("outbound|9080||ratings"))
                .putTypedPerFilterConfig("envoy.filters.http.fault", fault)))
        .build();
    XdsResources out = new LocalMeshGenerator(node -> XdsResources.builder().add(rc).build())
        .generate(node("router", Map.of(LocalNode.MODE, "LOOPBACK")));
    Route route = ((RouteConfiguration) out.ofType(XdsType.ROUTE).get("http.8080").message()).getVirtualHosts(0).getRoutes(0);
    io.envoyproxy.envoy.config.route.v3.FilterConfig wrapped =
        route.getTypedPerFilterConfigOrThrow("envoy.filters.http.fault").unpack(io.envoyproxy.envoy.config.route.v3.FilterConfig.class);
    assertThat(wrapped.getIsOptional()).isTrue();
    assertThat(wrapped.getConfig()).isEqualTo(fault);
  }

  @Test
  void proxiesOutsideTheLocalMeshGetTheTranslationUnchanged() {
    XdsResources in = istioSidecar();
    assertThat(new LocalMeshGenerator(node -> in).generate(node("sidecar", Map.of()))).isSameAs(in);
  }

  @Test
  void malformedLocalMetadataIsRefusedWithTheKeyAndWhy() {
    assertThatThrownBy(() -> LocalNode.of(ProxyNode.fromNode(nodeProto("sidecar", Map.of(LocalNode.MODE, "bridge")))))
        .hasMessageContaining("TRELLIS_LOCAL_MODE: 'bridge' (expected: LOOPBACK or NETNS)");
    assertThatThrownBy(() -> LocalNode.of(ProxyNode.fromNode(nodeProto("sidecar", Map.of(LocalNode.MODE, "LOOPBACK", LocalNode.INGRESS_PORT, "70000")))))
        .hasMessageContaining("TRELLIS_INGRESS_PORT: '70000'");
  }

  private static ProxyNode node(String type, Map<String, String> metadata) {
    return ProxyNode.fromNode(nodeProto(type, metadata));
  }

  private static Node nodeProto(String type, Map<String, String> metadata) {
    Struct.Builder md = Struct.newBuilder().putFields("NAMESPACE", Value.newBuilder().setStringValue("default").build());
    metadata.forEach((k, v) -> md.putFields(k, Value.newBuilder().setStringValue(v).build()));
    return Node.newBuilder().setId(type + "~127.10.0.1~reviews-v1-0.default~default.svc.cluster.local").setMetadata(md).build();
  }

  private static Cluster inboundCluster(int port) {
    return Cluster.newBuilder()
        .setName("inbound|" + port + "||")
        .setType(Cluster.DiscoveryType.STATIC)
        .setLoadAssignment(
            ClusterLoadAssignment.newBuilder()
                .setClusterName("inbound|" + port + "||")
                .addEndpoints(LocalityLbEndpoints.newBuilder().addLbEndpoints(LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(address("127.0.0.1", port))))))
        .build();
  }

  private static Listener unboundHttp(int port) {
    return httpListener("0.0.0.0_" + port, "0.0.0.0", port, String.valueOf(port)).toBuilder().setBindToPort(BoolValue.of(false)).build();
  }

  private static Listener httpListener(String name, String ip, int port, String routeName) {
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("outbound_" + name)
            .setRds(Rds.newBuilder().setRouteConfigName(routeName).setConfigSource(ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance())))
            .build();
    return Listener.newBuilder()
        .setName(name)
        .setAddress(address(ip, port))
        .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder().setName(HCM).setTypedConfig(Any.pack(hcm))))
        .build();
  }

  private static Filter tcpProxy(String cluster) {
    return Filter.newBuilder()
        .setName("envoy.filters.network.tcp_proxy")
        .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix(cluster).setCluster(cluster).build()))
        .build();
  }

  private static RouteConfiguration routes(String name, VirtualHost... hosts) {
    return RouteConfiguration.newBuilder().setName(name).addAllVirtualHosts(List.of(hosts))
        .addVirtualHosts(VirtualHost.newBuilder().setName("allow_any").addDomains("*")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")).setRoute(RouteAction.newBuilder().setCluster("PassthroughCluster"))))
        .build();
  }

  private static VirtualHost vhost(String name, String... domains) {
    return VirtualHost.newBuilder()
        .setName(name)
        .addAllDomains(List.of(domains))
        .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/")).setRoute(RouteAction.newBuilder().setCluster("outbound|9080||" + name)))
        .build();
  }

  private static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
  }
}
