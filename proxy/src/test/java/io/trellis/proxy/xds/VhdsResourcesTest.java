package io.trellis.proxy.xds;

import static io.trellis.proxy.xds.XdsFixtures.ads;
import static io.trellis.proxy.xds.XdsFixtures.badRegexRoute;
import static io.trellis.proxy.xds.XdsFixtures.hcm;
import static io.trellis.proxy.xds.XdsFixtures.listener;
import static io.trellis.proxy.xds.XdsFixtures.prefixRoute;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.Vhds;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.server.VhdsMerge;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** VHDS resources: naming and splitting, validation, and the merge into route configurations. */
class VhdsResourcesTest {

  static VirtualHost host(String name, String domain, String cluster) {
    return VirtualHost.newBuilder().setName(name).addDomains(domain).addRoutes(prefixRoute("/", cluster)).build();
  }

  static RouteConfiguration vhdsRoutes(String name, ConfigSource source) {
    return RouteConfiguration.newBuilder()
        .setName(name)
        .setVhds(Vhds.newBuilder().setConfigSource(source.toBuilder().setResourceApiVersion(ApiVersion.V3)))
        .build();
  }

  private static <M extends com.google.protobuf.Message, T> T parse(XdsResourceType<M, T> type, M proto, List<String> sink) {
    ValidationErrors errors = ValidationErrors.forResource(type.kind(), type.name(proto));
    T value = type.parse(proto, errors);
    sink.addAll(errors.messages());
    return value;
  }

  @Test
  void aResourceNameSplitsAtItsLastSlash() {
    assertThat(VirtualHostResource.routeConfigName("8080/reviews.default.svc.cluster.local:8080")).isEqualTo("8080");
    assertThat(VirtualHostResource.routeConfigName("outbound|9080||reviews/vh")).isEqualTo("outbound|9080||reviews");
    assertThat(VirtualHostResource.routeConfigName("a/b/c")).isEqualTo("a/b");
    assertThat(VirtualHostResource.routeConfigName("noslash")).isNull();
    assertThat(VirtualHostResource.routeConfigName("/x")).isNull();
    assertThat(VirtualHostResource.routeConfigName("8080/")).isNull();
    assertThat(VirtualHostResource.INSTANCE.namespaced()).isTrue();
    assertThat(RouteConfigurationResource.INSTANCE.namespaced()).isFalse();
    assertThat(VirtualHostResource.TYPE_URL).isEqualTo("type.googleapis.com/envoy.config.route.v3.VirtualHost");
  }

  @Test
  void aVirtualHostIsValidatedLikeAnInlineOneAndMustBeNamedUnderItsRouteConfiguration() {
    List<String> errors = new java.util.ArrayList<>();
    VirtualHostConfig ok = parse(VirtualHostResource.INSTANCE, host("8080/a", "a.example", "a"), errors);
    assertThat(errors).isEmpty();
    assertThat(ok.name()).isEqualTo("8080/a");
    assertThat(ok.domains()).containsExactly("a.example");

    assertThat(parse(VirtualHostResource.INSTANCE, host("a", "a.example", "a"), errors)).isNull();
    assertThat(errors).containsExactly("VirtualHost [a] name: 'a' (expected: <route configuration name>/<virtual host name>)");
    errors.clear();

    VirtualHost bad = host("8080/a", "a.example", "a").toBuilder().addRoutes(badRegexRoute("a")).build();
    assertThat(parse(VirtualHostResource.INSTANCE, bad, errors)).isNull();
    assertThat(errors).singleElement().asString().startsWith("VirtualHost [8080/a] Route [bad] match safe_regex");
  }

  @Test
  void vhdsIsAcceptedOverRdsFromAdsOnlyAndNeverInline() {
    List<String> errors = new java.util.ArrayList<>();
    RouteConfig config = parse(RouteConfigurationResource.INSTANCE, vhdsRoutes("8080", ads()), errors);
    assertThat(errors).isEmpty();
    assertThat(config.vhds()).isTrue();
    assertThat(config.virtualHosts()).isEmpty();

    ConfigSource rest = ConfigSource.newBuilder().setPath("/etc/vhds.yaml").build();
    assertThat(parse(RouteConfigurationResource.INSTANCE, vhdsRoutes("8080", rest), errors)).isNull();
    assertThat(errors)
        .containsExactly(
            "RouteConfiguration [8080] vhds.config_source: path (expected: ads; vhds requires the delta xDS protocol (ADS with api_type DELTA_GRPC))");
    errors.clear();

    var inline = listener("l", 0, hcm("l").setRouteConfig(vhdsRoutes("inline", ads())).build());
    ListenerConfig none = parse(ListenerResource.INSTANCE, inline, errors);
    assertThat(none).isNull();
    assertThat(errors).anyMatch(e -> e.contains("vhds: only a route configuration received over RDS can use VHDS"));
  }

  @Test
  void theMergeAddsTheHostsUnderEachVhdsRouteConfigurationInNameOrder() {
    List<String> errors = new java.util.ArrayList<>();
    VirtualHostConfig a = parse(VirtualHostResource.INSTANCE, host("8080/a", "a.example", "a"), errors);
    VirtualHostConfig b = parse(VirtualHostResource.INSTANCE, host("8080/b", "b.example", "b"), errors);
    VirtualHostConfig nested = parse(VirtualHostResource.INSTANCE, host("x/8080/c", "c.example", "c"), errors);
    RouteConfig withVhds = parse(RouteConfigurationResource.INSTANCE, vhdsRoutes("8080", ads()), errors);
    RouteConfig plain = new RouteConfig("9090", List.of(new VirtualHostConfig("p", List.of("*"), List.of())));
    assertThat(errors).isEmpty();

    var result = VhdsMerge.merge(Map.of("8080", withVhds, "9090", plain), Map.of("8080/b", b, "x/8080/c", nested, "8080/a", a));
    assertThat(result.errors()).isEmpty();
    assertThat(result.routes().get("8080").virtualHosts()).extracting(VirtualHostConfig::name).containsExactly("8080/a", "8080/b");
    assertThat(result.routes().get("9090")).isSameAs(plain);

    VirtualHostConfig clash = parse(VirtualHostResource.INSTANCE, host("8080/z", "A.example", "z"), errors);
    var refused = VhdsMerge.merge(Map.of("8080", withVhds), Map.of("8080/a", a, "8080/z", clash));
    assertThat(refused.errors())
        .containsExactly(
            "RouteConfiguration [8080] with its VHDS virtual hosts: route_config[8080].virtual_hosts[8080/z].domains: 'a.example'"
                + " (expected: unique across virtual hosts)");
  }
}
