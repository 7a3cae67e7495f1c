package io.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.http.filter.fault.FaultConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Istio's shape of fault injection: an HTTPFault per route, under the filter's name. */
class HttpFaultConfigsTest {

  private static final String FAULT = "envoy.filters.http.fault";

  private static RouteConfiguration withRouteFault(Any perFilter) {
    Route route = Route.newBuilder()
        .setMatch(RouteMatch.newBuilder().setPrefix("/"))
        .setRoute(RouteAction.newBuilder().setCluster("outbound|9080||ratings.default.svc.cluster.local"))
        .putTypedPerFilterConfig(FAULT, perFilter)
        .build();
    return RouteConfiguration.newBuilder().setName("9080")
        .addVirtualHosts(VirtualHost.newBuilder().setName("ratings").addDomains("*").addRoutes(route))
        .build();
  }

  private static HTTPFault istioDelayAndAbort() {
    return HTTPFault.newBuilder()
        .setDelay(FaultDelay.newBuilder()
            .setFixedDelay(com.google.protobuf.Duration.newBuilder().setSeconds(7))
            .setPercentage(FractionalPercent.newBuilder().setNumerator(1_000_000).setDenominator(FractionalPercent.DenominatorType.MILLION)))
        .setAbort(FaultAbort.newBuilder().setHttpStatus(500)
            .setPercentage(FractionalPercent.newBuilder().setNumerator(10).setDenominator(FractionalPercent.DenominatorType.HUNDRED)))
        .setMaxActiveFaults(UInt32Value.of(3))
        .build();
  }

  @Test
  void aRoutesHttpFaultBecomesItsFaultConfig() {
    List<String> errors = new ArrayList<>();
    RouteConfig config = RouteConfigurationResource.convert(
        withRouteFault(Any.pack(istioDelayAndAbort())), ValidationErrors.at("RouteConfiguration [9080]", errors));
    assertThat(errors).isEmpty();
    Object perRoute = config.virtualHosts().getFirst().routes().getFirst().typedPerFilterConfig().get(FAULT);
    assertThat(perRoute).isInstanceOf(FaultConfig.class);
    FaultConfig fault = (FaultConfig) perRoute;
    assertThat(fault.delay().fixed()).isEqualTo(Duration.ofSeconds(7));
    assertThat(fault.delay().percentage()).isEqualTo(new FaultConfig.Percentage(1_000_000, 1_000_000));
    assertThat(fault.abort().httpStatus()).isEqualTo(500);
    assertThat(fault.abort().percentage()).isEqualTo(new FaultConfig.Percentage(10, 100));
    assertThat(fault.maxActiveFaults()).isEqualTo(3);
  }

  @Test
  void anOptionalFilterConfigWrapperIsUnwrappedAndAnOptionalUnknownOneSkipped() {
    List<String> errors = new ArrayList<>();
    Any wrapped = Any.pack(FilterConfig.newBuilder().setConfig(Any.pack(istioDelayAndAbort())).setIsOptional(true).build());
    RouteConfig config = RouteConfigurationResource.convert(withRouteFault(wrapped), ValidationErrors.at("r", errors));
    assertThat(errors).isEmpty();
    assertThat(config.virtualHosts().getFirst().routes().getFirst().typedPerFilterConfig().get(FAULT)).isInstanceOf(FaultConfig.class);

    Any unknownOptional = Any.pack(FilterConfig.newBuilder()
        .setConfig(Any.pack(com.google.protobuf.StringValue.of("x"))).setIsOptional(true).build());
    RouteConfig skipped = RouteConfigurationResource.convert(withRouteFault(unknownOptional), ValidationErrors.at("r", errors));
    assertThat(errors).isEmpty();
    assertThat(skipped.virtualHosts().getFirst().routes().getFirst().typedPerFilterConfig()).isEmpty();
  }

  @Test
  void whatCannotBeCarriedOutIsRejectedWithItsPath() {
    List<String> errors = new ArrayList<>();
    HTTPFault unsupported = istioDelayAndAbort().toBuilder().setUpstreamCluster("reviews").build();
    RouteConfigurationResource.convert(withRouteFault(Any.pack(unsupported)), ValidationErrors.at("RouteConfiguration [9080]", errors));
    assertThat(errors).singleElement().asString()
        .contains("typed_per_filter_config[envoy.filters.http.fault]")
        .contains("upstream_cluster: not supported");

    errors.clear();
    HTTPFault badStatus = HTTPFault.newBuilder().setAbort(FaultAbort.newBuilder().setHttpStatus(99)).build();
    RouteConfigurationResource.convert(withRouteFault(Any.pack(badStatus)), ValidationErrors.at("r", errors));
    assertThat(errors).singleElement().asString().contains("abort.http_status: 99 (expected: 200..599)");
  }
}
