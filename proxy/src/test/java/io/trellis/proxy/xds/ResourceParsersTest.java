package io.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.Duration;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.config.cluster.UpstreamProtocolSelection;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.listener.TcpProxyConfig;
import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.HeaderValueOption.AppendAction;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.StringMatcher.Kind;
import org.junit.jupiter.api.Test;

/** Proto → record conversion, and that every rejection names its path. */
class ResourceParsersTest {

  private static <M extends com.google.protobuf.Message, T> Result<T> parse(XdsResourceType<M, T> type, M proto) {
    ValidationErrors errors = ValidationErrors.forResource(type.kind(), type.name(proto));
    T value = type.parse(proto, errors);
    return new Result<>(value, errors);
  }

  private record Result<T>(T value, ValidationErrors errors) {}

  @Test
  void routeConfigurationCarriesMatchesActionsAndHeaders() {
    var proto =
        XdsFixtures.routes(
                "r1",
                Route.newBuilder()
                    .setName("api")
                    .setMatch(
                        RouteMatch.newBuilder()
                            .setPrefix("/API")
                            .setCaseSensitive(BoolValue.of(false))
                            .addHeaders(
                                HeaderMatcher.newBuilder()
                                    .setName("x-canary")
                                    .setStringMatch(StringMatcher.newBuilder().setExact("yes"))
                                    .setInvertMatch(true)))
                    .setRoute(
                        RouteAction.newBuilder()
                            .setWeightedClusters(
                                WeightedCluster.newBuilder()
                                    .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("v1").setWeight(UInt32Value.of(80)))
                                    .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("v2").setWeight(UInt32Value.of(20))))
                            .setPrefixRewrite("/")
                            .setTimeout(Duration.newBuilder().setSeconds(3)))
                    .addRequestHeadersToAdd(
                        HeaderValueOption.newBuilder()
                            .setHeader(HeaderValue.newBuilder().setKey("X-Route").setValue("api"))
                            .setAppend(BoolValue.of(false)))
                    .build(),
                Route.newBuilder()
                    .setMatch(RouteMatch.newBuilder().setPath("/old"))
                    .setRedirect(RedirectAction.newBuilder().setPathRedirect("/new").setResponseCode(RedirectAction.RedirectResponseCode.FOUND))
                    .build())
            .toBuilder();
    var result = parse(RouteConfigurationResource.INSTANCE, proto.build());
    assertThat(result.errors().messages()).isEmpty();
    RouteConfig config = result.value();
    var api = config.virtualHosts().getFirst().routes().getFirst();
    assertThat(api.match().caseSensitive()).isFalse();
    assertThat(api.match().headers().getFirst().invertMatch()).isTrue();
    assertThat(api.match().headers().getFirst().stringMatch().kind()).isEqualTo(Kind.EXACT);
    ForwardAction forward = (ForwardAction) api.action();
    assertThat(((ClusterSpecifier.Weighted) forward.cluster()).totalWeight()).isEqualTo(100);
    assertThat(forward.prefixRewrite()).isEqualTo("/");
    assertThat(forward.timeout()).isEqualTo(java.time.Duration.ofSeconds(3));
    assertThat(api.headers().requestHeadersToAdd().getFirst().appendAction()).isEqualTo(AppendAction.OVERWRITE_IF_EXISTS_OR_ADD);
    assertThat(api.headers().requestHeadersToAdd().getFirst().name()).isEqualTo("x-route");
    var redirect = (io.trellis.proxy.config.route.RedirectAction) config.virtualHosts().getFirst().routes().get(1).action();
    assertThat(redirect.responseCode()).isEqualTo(302);
    assertThat(redirect.pathRedirect()).isEqualTo("/new");
  }

  @Test
  void everyBadRouteIsReportedWithItsPath() {
    var proto =
        XdsFixtures.routes(
            "r1",
            XdsFixtures.badRegexRoute("web"),
            Route.newBuilder().setName("nothing").setMatch(RouteMatch.newBuilder().setPrefix("/")).build(),
            Route.newBuilder()
                .setName("zero")
                .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(
                    RouteAction.newBuilder()
                        .setWeightedClusters(
                            WeightedCluster.newBuilder()
                                .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("v1").setWeight(UInt32Value.of(0)))))
                .build());
    var result = parse(RouteConfigurationResource.INSTANCE, proto);
    assertThat(result.value()).isNull();
    assertThat(result.errors().messages())
        .hasSize(3)
        .satisfiesExactly(
            m -> assertThat(m).startsWith("RouteConfiguration [r1] Virtual host [all] Route [bad] match safe_regex: "),
            m -> assertThat(m).isEqualTo("RouteConfiguration [r1] Virtual host [all] Route [nothing]: action: none (expected: route, redirect or direct_response)"),
            m -> assertThat(m).startsWith("RouteConfiguration [r1] Virtual host [all] Route [zero] route weighted_clusters: route.weighted_clusters: weights sum to 0"));
  }

  @Test
  void listenerWithInlineRoutesAndFilterChainMatch() {
    var hcm = XdsFixtures.hcm("ingress_http").setRouteConfig(XdsFixtures.routes("local", XdsFixtures.prefixRoute("/", "web"))).build();
    Listener proto =
        Listener.newBuilder()
            .setName("ingress")
            .setAddress(XdsFixtures.address("127.0.0.1", 8080))
            .addFilterChains(
                FilterChain.newBuilder()
                    .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(UInt32Value.of(8080)).addServerNames("Example.COM"))
                    .addFilters(Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(hcm))))
            .addFilterChains(
                FilterChain.newBuilder()
                    .addFilters(
                        Filter.newBuilder()
                            .setName("tcp")
                            .setTypedConfig(Any.pack(TcpProxy.newBuilder().setStatPrefix("tcp").setCluster("db").build()))))
            .build();
    var result = parse(ListenerResource.INSTANCE, proto);
    assertThat(result.errors().messages()).isEmpty();
    ListenerConfig l = result.value();
    assertThat(l.port()).isEqualTo(8080);
    assertThat(l.filterChains().getFirst().match().serverNames()).containsExactly("example.com");
    var parsedHcm = (HttpConnectionManagerConfig) l.filterChains().getFirst().filter();
    assertThat(parsedHcm.routeConfig().name()).isEqualTo("local");
    assertThat(parsedHcm.generateRequestId()).isTrue();
    assertThat(((TcpProxyConfig) l.filterChains().get(1).filter()).cluster()).isEqualTo("db");
    assertThat(ListenerResource.tcpClusters(l)).containsExactly("db");
    assertThat(ListenerResource.rdsNames(l)).isEmpty();
  }

  @Test
  void commonHttpProtocolOptionsReachTheConnectionManager() {
    var hcm =
        XdsFixtures.hcm("ingress_http")
            .setRouteConfig(XdsFixtures.routes("local", XdsFixtures.prefixRoute("/", "web")))
            .setCommonHttpProtocolOptions(
                io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.newBuilder()
                    .setIdleTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(30))
                    .setMaxStreamDuration(com.google.protobuf.Duration.newBuilder().setSeconds(2).setNanos(500_000_000)))
            .build();
    Listener proto =
        Listener.newBuilder()
            .setName("ingress")
            .setAddress(XdsFixtures.address("127.0.0.1", 8080))
            .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(hcm))))
            .build();
    var result = parse(ListenerResource.INSTANCE, proto);
    assertThat(result.errors().messages()).isEmpty();
    var parsed = (HttpConnectionManagerConfig) result.value().filterChains().getFirst().filter();
    assertThat(parsed.idleTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(parsed.maxStreamDuration()).isEqualTo(java.time.Duration.ofMillis(2500));
  }

  @Test
  void unknownFilterTypeIsRejectedUnlessOptional() {
    var fault = HttpFilter.newBuilder().setName("envoy.filters.http.buffer")
        .setTypedConfig(Any.pack(io.envoyproxy.envoy.extensions.filters.http.buffer.v3.Buffer.getDefaultInstance()));
    var strict = XdsFixtures.hcm("x").setRds(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds.newBuilder().setRouteConfigName("r"));
    strict.addHttpFilters(0, fault);
    var result = parse(ListenerResource.INSTANCE, XdsFixtures.listener("l", 0, strict.build()));
    assertThat(result.value()).isNull();
    assertThat(result.errors().messages())
        .containsExactly(
            "Listener [l] filter_chains[0] filters[0] http_connection_manager http_filters[0]: filter 'envoy.filters.http.buffer':"
                + " unsupported type URL type.googleapis.com/envoy.extensions.filters.http.buffer.v3.Buffer (implemented: the router,"
                + " the fault and the CORS filters; mark other filters is_optional to skip them)");

    var optional = XdsFixtures.hcm("x").setRds(io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds.newBuilder().setRouteConfigName("r"));
    optional.addHttpFilters(0, fault.setIsOptional(true));
    var ok = parse(ListenerResource.INSTANCE, XdsFixtures.listener("l", 0, optional.build()));
    assertThat(ok.errors().messages()).isEmpty();
    assertThat(((HttpConnectionManagerConfig) ok.value().filterChains().getFirst().filter()).httpFilters()).hasSize(2);

    Listener unknownNetwork =
        Listener.newBuilder()
            .setName("l")
            .setAddress(XdsFixtures.address("127.0.0.1", 0))
            .addFilterChains(FilterChain.newBuilder().addFilters(Filter.newBuilder().setName("x").setTypedConfig(Any.pack(HTTPFault.getDefaultInstance()))))
            .build();
    assertThat(parse(ListenerResource.INSTANCE, unknownNetwork).errors().messages().getFirst())
        .contains("Listener [l] filter_chains[0] filters[0]: filter 'x': unsupported type URL type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault");
  }

  @Test
  void clusterWithLbPolicyProtocolOptionsAndEndpoints() {
    Cluster proto =
        XdsFixtures.staticCluster("web", 8080).toBuilder()
            .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
            .putTypedExtensionProtocolOptions(
                ClusterResource.HTTP_PROTOCOL_OPTIONS,
                Any.pack(
                    HttpProtocolOptions.newBuilder()
                        .setExplicitHttpConfig(
                            HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                                .setHttp2ProtocolOptions(io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions.getDefaultInstance()))
                        .build()))
            .build();
    var result = parse(ClusterResource.INSTANCE, proto);
    assertThat(result.errors().messages()).isEmpty();
    ClusterConfig c = result.value();
    assertThat(c.type()).isEqualTo(DiscoveryType.STATIC);
    assertThat(c.lbPolicy()).isEqualTo(new LbPolicy.LeastRequest());
    assertThat(c.protocolOptions().selection()).isEqualTo(UpstreamProtocolSelection.HTTP2);
    assertThat(c.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(1));
    assertThat(c.loadAssignment().endpointCount()).isEqualTo(1);

    var eds = parse(ClusterResource.INSTANCE, XdsFixtures.edsCluster("reviews"));
    assertThat(eds.value().edsName()).isEqualTo("reviews");

    var bad = parse(ClusterResource.INSTANCE, proto.toBuilder().setConnectTimeout(Duration.getDefaultInstance()).setLbPolicy(Cluster.LbPolicy.MAGLEV).setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(com.google.protobuf.UInt64Value.of(100))).build());
    assertThat(bad.value()).isNull();
    assertThat(bad.errors().messages()).containsExactly("Cluster [web]: maglev_lb_config.table_size: 100 (expected: a prime, 2..5000011)");
  }

  @Test
  void slowStartConfigOfRoundRobinAndLeastRequestClustersIsKept() {
    Cluster.SlowStartConfig ramp =
        Cluster.SlowStartConfig.newBuilder()
            .setSlowStartWindow(Duration.newBuilder().setSeconds(30))
            .setAggression(io.envoyproxy.envoy.config.core.v3.RuntimeDouble.newBuilder().setDefaultValue(2.0).setRuntimeKey("x"))
            .build();
    Cluster rr =
        XdsFixtures.edsCluster("reviews").toBuilder()
            .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
            .setRoundRobinLbConfig(Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(ramp))
            .build();
    var parsed = parse(ClusterResource.INSTANCE, rr);
    assertThat(parsed.errors().messages()).isEmpty();
    assertThat(parsed.value().slowStart())
        .isEqualTo(new io.trellis.proxy.config.cluster.SlowStart(java.time.Duration.ofSeconds(30), 2.0, 10.0));

    Cluster lr =
        rr.toBuilder()
            .clearRoundRobinLbConfig()
            .setLbPolicy(Cluster.LbPolicy.LEAST_REQUEST)
            .setLeastRequestLbConfig(
                Cluster.LeastRequestLbConfig.newBuilder()
                    .setSlowStartConfig(ramp.toBuilder().clearAggression().setMinWeightPercent(io.envoyproxy.envoy.type.v3.Percent.newBuilder().setValue(25))))
            .build();
    assertThat(parse(ClusterResource.INSTANCE, lr).value().slowStart())
        .isEqualTo(new io.trellis.proxy.config.cluster.SlowStart(java.time.Duration.ofSeconds(30), 1.0, 25.0));

    var noWindow =
        parse(
            ClusterResource.INSTANCE,
            rr.toBuilder().setRoundRobinLbConfig(Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(Cluster.SlowStartConfig.getDefaultInstance())).build());
    assertThat(noWindow.value()).isNull();
    assertThat(noWindow.errors().messages()).containsExactly("Cluster [reviews] round_robin_lb_config.slow_start_config slow_start_window: required");
  }

  @Test
  void loadAssignmentKeepsLocalitiesPrioritiesWeightsAndHealth() {
    ClusterLoadAssignment cla =
        ClusterLoadAssignment.newBuilder()
            .setClusterName("web")
            .addEndpoints(
                LocalityLbEndpoints.newBuilder()
                    .setLocality(Locality.newBuilder().setRegion("r").setZone("z1"))
                    .setPriority(1)
                    .setLoadBalancingWeight(UInt32Value.of(3))
                    .addLbEndpoints(
                        LbEndpoint.newBuilder()
                            .setEndpoint(Endpoint.newBuilder().setAddress(XdsFixtures.address("10.0.0.1", 80)))
                            .setHealthStatus(HealthStatus.UNHEALTHY)
                            .setLoadBalancingWeight(UInt32Value.of(5))))
            .build();
    var result = parse(ClusterLoadAssignmentResource.INSTANCE, cla);
    assertThat(result.errors().messages()).isEmpty();
    EndpointsConfig e = result.value();
    var locality = e.localities().getFirst();
    assertThat(locality.priority()).isEqualTo(1);
    assertThat(locality.loadBalancingWeight()).isEqualTo(3);
    assertThat(locality.locality().zone()).isEqualTo("z1");
    var endpoint = locality.endpoints().getFirst();
    assertThat(endpoint.healthStatus()).isEqualTo(io.trellis.proxy.config.cluster.HealthStatus.UNHEALTHY);
    assertThat(endpoint.loadBalancingWeight()).isEqualTo(5);

    var bad = parse(ClusterLoadAssignmentResource.INSTANCE, XdsFixtures.endpoints("web", 0));
    assertThat(bad.errors().messages())
        .containsExactly("ClusterLoadAssignment [web] endpoints[0] lb_endpoints[0]: endpoint.address.socket_address.port_value: 0 (expected: 1..65535)");
  }
}
