package io.trellis.proxy.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import org.junit.jupiter.api.Test;

class EnvoyTypesTest {

  /**
   * Istio puts a retry policy with the previous_hosts predicate on every route; /config_dump prints
   * routes through this registry, so it must know that type (it once did not, and the dump failed).
   */
  @Test
  void printsAndParsesIstiosDefaultRetryPolicy() throws Exception {
    RetryPolicy retry = RetryPolicy.newBuilder()
        .setRetryOn("connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes")
        .setNumRetries(com.google.protobuf.UInt32Value.of(2))
        .addRetryHostPredicate(RetryPolicy.RetryHostPredicate.newBuilder()
            .setName("envoy.retry_host_predicates.previous_hosts")
            .setTypedConfig(Any.pack(PreviousHostsPredicate.getDefaultInstance())))
        .setHostSelectionRetryMaxAttempts(5)
        .build();
    RouteConfiguration routes = RouteConfiguration.newBuilder().setName("9080")
        .addVirtualHosts(VirtualHost.newBuilder().setName("reviews").addDomains("reviews")
            .addRoutes(Route.newBuilder().setMatch(RouteMatch.newBuilder().setPrefix("/"))
                .setRoute(RouteAction.newBuilder().setCluster("outbound|9080||reviews.default.svc.cluster.local")
                    .setRetryPolicy(retry))))
        .build();
    String json = EnvoyTypes.jsonPrinter().print(Any.pack(routes));
    assertThat(json).contains("type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate");
    Any.Builder back = Any.newBuilder();
    EnvoyTypes.jsonParser().merge(json, back);
    assertThat(back.build().unpack(RouteConfiguration.class)).isEqualTo(routes);
  }
}
