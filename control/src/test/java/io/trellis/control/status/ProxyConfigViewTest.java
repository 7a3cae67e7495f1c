package io.trellis.control.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.SentConfig;
import io.trellis.control.xds.XdsType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyConfigViewTest {
  private static final ProxyNode NODE = ProxyNode.fromNode(Node.newBuilder().setId("sidecar~10.0.0.1~a.default~default.svc.cluster.local").build());

  private static SentConfig sent(XdsType type, Message... messages) {
    return new SentConfig(NODE, 1, Map.of(type.typeUrl(), List.of(messages)));
  }

  private static final Listener LISTENER =
      Listener.newBuilder()
          .setName("0.0.0.0_9080")
          .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(9080)))
          .addFilterChains(
              FilterChain.newBuilder()
                  .addFilters(
                      Filter.newBuilder()
                          .setName("envoy.filters.network.http_connection_manager")
                          .setTypedConfig(
                              Any.pack(
                                  HttpConnectionManager.newBuilder()
                                      .setStatPrefix("outbound_0.0.0.0_9080")
                                      .addHttpFilters(
                                          HttpFilter.newBuilder()
                                              .setName("envoy.filters.http.router")
                                              .setTypedConfig(Any.pack(Router.newBuilder().setSuppressEnvoyHeaders(true).build())))
                                      .build()))))
          .build();

  @Test
  void jsonExpandsNestedTypedConfigsAsEnvoyPrintsThem() {
    String json = ProxyConfigView.json(sent(XdsType.LISTENER, LISTENER), ProxyConfigView.Section.LISTENERS);
    assertThat(json)
        .startsWith("[")
        .contains("\"@type\": \"type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager\"")
        .contains("\"@type\": \"type.googleapis.com/envoy.extensions.filters.http.router.v3.Router\"")
        .contains("\"suppressEnvoyHeaders\": true")
        .contains("\"portValue\": 9080");
  }

  @Test
  void shortTables() {
    assertThat(ProxyConfigView.table(sent(XdsType.LISTENER, LISTENER), ProxyConfigView.Section.LISTENERS))
        .isEqualTo("NAME          ADDRESS  PORT  FILTER CHAINS\n0.0.0.0_9080  0.0.0.0  9080  1\n");

    RouteConfiguration rc =
        RouteConfiguration.newBuilder()
            .setName("9080")
            .addVirtualHosts(
                VirtualHost.newBuilder()
                    .setName("reviews.default.svc.cluster.local:9080")
                    .addDomains("reviews")
                    .addDomains("reviews:9080")
                    .addRoutes(
                        Route.newBuilder()
                            .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                            .setRoute(
                                RouteAction.newBuilder()
                                    .setWeightedClusters(
                                        WeightedCluster.newBuilder()
                                            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("outbound|9080|v1|reviews").setWeight(UInt32Value.of(20)))
                                            .addClusters(WeightedCluster.ClusterWeight.newBuilder().setName("outbound|9080|v2|reviews").setWeight(UInt32Value.of(80)))))))
            .build();
    assertThat(ProxyConfigView.table(sent(XdsType.ROUTE, rc), ProxyConfigView.Section.ROUTES))
        .contains("9080  reviews.default.svc.cluster.local:9080  reviews,reviews:9080  /*     outbound|9080|v1|reviews 20,outbound|9080|v2|reviews 80");

    ClusterLoadAssignment cla =
        ClusterLoadAssignment.newBuilder()
            .setClusterName("outbound|9080|v1|reviews")
            .addEndpoints(
                LocalityLbEndpoints.newBuilder()
                    .addLbEndpoints(
                        LbEndpoint.newBuilder()
                            .setHealthStatus(HealthStatus.HEALTHY)
                            .setEndpoint(
                                Endpoint.newBuilder()
                                    .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("fd00::1").setPortValue(9080))))))
            .build();
    assertThat(ProxyConfigView.table(sent(XdsType.ENDPOINT, cla), ProxyConfigView.Section.ENDPOINTS))
        .isEqualTo("ENDPOINT        STATUS   CLUSTER\n[fd00::1]:9080  HEALTHY  outbound|9080|v1|reviews\n");
  }
}
