package io.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.trellis.proxy.config.route.RouteConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Istio's corsPolicy as it arrives: a CorsPolicy under the CORS filter's name on a route. */
class HttpCorsConfigsTest {
  private static final String CORS = "envoy.filters.http.cors";

  private static RouteConfiguration withPolicy(CorsPolicy policy) {
    Route route = Route.newBuilder()
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setCluster("c"))
        .putTypedPerFilterConfig(CORS, Any.pack(policy))
        .build();
    return RouteConfiguration.newBuilder().setName("80")
        .addVirtualHosts(VirtualHost.newBuilder().setName("v").addDomains("*").addRoutes(route)).build();
  }

  private static CorsPolicy.Builder istio() {
    return CorsPolicy.newBuilder()
        .addAllowOriginStringMatch(StringMatcher.newBuilder().setExact("http://foo.example"))
        .setAllowMethods("POST,GET,OPTIONS").setAllowHeaders("content-type").setExposeHeaders("x-custom-header")
        .setMaxAge("300").setAllowCredentials(BoolValue.of(true)).setForwardNotMatchingPreflights(BoolValue.of(true));
  }

  @Test
  void istiosPolicyConverts() {
    List<String> errors = new ArrayList<>();
    RouteConfig config = RouteConfigurationResource.convert(withPolicy(istio().build()), ValidationErrors.at("r", errors));
    assertThat(errors).isEmpty();
    var policy = (io.trellis.proxy.http.filter.cors.CorsPolicy)
        config.virtualHosts().getFirst().routes().getFirst().typedPerFilterConfig().get(CORS);
    assertThat(policy.allowOrigins()).hasSize(1);
    assertThat(policy.allowMethods()).isEqualTo("POST,GET,OPTIONS");
    assertThat(policy.maxAge()).isEqualTo("300");
    assertThat(policy.allowCredentials()).isTrue();
    assertThat(policy.forwardNotMatchingPreflights()).isTrue();
    assertThat(policy.enabled()).isTrue();
  }

  @Test
  void runtimeFractionsAndBadMaxAgeAreRejected() {
    List<String> errors = new ArrayList<>();
    CorsPolicy half = istio().setFilterEnabled(RuntimeFractionalPercent.newBuilder()
        .setDefaultValue(FractionalPercent.newBuilder().setNumerator(50))).build();
    RouteConfigurationResource.convert(withPolicy(half), ValidationErrors.at("r", errors));
    assertThat(errors).singleElement().asString()
        .contains("typed_per_filter_config[envoy.filters.http.cors] filter_enabled")
        .contains("a fraction other than 0% or 100% is not supported");

    errors.clear();
    RouteConfigurationResource.convert(withPolicy(istio().setMaxAge("5m").build()), ValidationErrors.at("r", errors));
    assertThat(errors).singleElement().asString().contains("max_age: '5m' (expected: seconds, digits only)");
  }
}
