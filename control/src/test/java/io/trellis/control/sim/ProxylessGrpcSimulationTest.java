package io.trellis.control.sim;

import static io.trellis.control.sim.Bookinfo.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import org.junit.jupiter.api.Test;

/**
 * What a proxyless gRPC client gets: api_listeners named {@code HOST:PORT}, resolved the way
 * grpc-java resolves {@code xds:///HOST:PORT} (listener → RDS → virtual host for the authority →
 * route → cluster → EDS).
 */
class ProxylessGrpcSimulationTest {
  private static final String AUTHORITY = "reviews.default.svc.cluster.local:9080";

  /** grpc-java's walk: the api_listener's RDS config, the virtual host for the authority, the first matching route. */
  private static Result resolve(XdsResources xds, Request req) throws Exception {
    Listener l = (Listener) xds.ofType(XdsType.LISTENER).get(req.authority()).message();
    HttpConnectionManager hcm = l.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
    RouteConfiguration rc = (RouteConfiguration) xds.ofType(XdsType.ROUTE).get(hcm.getRds().getRouteConfigName()).message();
    VirtualHost vh = Simulator.virtualHost(rc, req.authority());
    for (var r : vh.getRoutesList()) {
      if (Simulator.matches(r.getMatch(), req)) {
        java.util.Map<String, Integer> clusters = new java.util.LinkedHashMap<>();
        if (r.getRoute().hasWeightedClusters()) {
          r.getRoute().getWeightedClusters().getClustersList().forEach(c -> clusters.put(c.getName(), c.getWeight().getValue()));
        } else {
          clusters.put(r.getRoute().getCluster(), 100);
        }
        assertThat(xds.ofType(XdsType.CLUSTER)).containsKeys(clusters.keySet().toArray(String[]::new));
        return new Result(l.getName(), "", rc.getName(), vh.getName(), r, clusters, null, java.util.List.of(), "");
      }
    }
    return new Result(l.getName(), "", rc.getName(), vh.getName(), null, java.util.Map.of(), null, java.util.List.of(), "no route");
  }

  @Test
  void everyServicePortIsAnApiListenerWithRoutesOfTheSameName() throws Exception {
    XdsResources xds = Mesh.bookinfo().generate(Mesh.grpcClient("default"));
    assertThat(xds.ofType(XdsType.LISTENER).keySet()).containsExactly(
        "details.default.svc.cluster.local:9080", "productpage.default.svc.cluster.local:9080",
        "ratings.default.svc.cluster.local:9080", AUTHORITY);
    Listener l = (Listener) xds.ofType(XdsType.LISTENER).get(AUTHORITY).message();
    assertThat(l.hasAddress()).isFalse();
    HttpConnectionManager hcm = l.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
    assertThat(hcm.getRds().getRouteConfigName()).isEqualTo(AUTHORITY);
    assertThat(hcm.getHttpFiltersList()).extracting(f -> f.getName()).containsExactly("envoy.filters.http.fault", "envoy.filters.http.router");
  }

  @Test
  void weightsFromTheVirtualService() throws Exception {
    XdsResources xds = Bookinfo.with("virtual-service-reviews-80-20.yaml").generate(Mesh.grpcClient("default"));
    Result r = resolve(xds, Request.http(AUTHORITY, 9080, "/trellis.Reviews/Get"));
    assertThat(r.clusters()).containsEntry(cluster("v1", "reviews"), 80).containsEntry(cluster("v2", "reviews"), 20);
    // gRPC gets no default retry policy (Istio's gRPC generator adds none).
    assertThat(r.route().getRoute().hasRetryPolicy()).isFalse();
  }

  @Test
  void headerMatchesFromTheVirtualService() throws Exception {
    XdsResources xds = Bookinfo.with("virtual-service-reviews-jason-v2-v3.yaml").generate(Mesh.grpcClient("default"));
    assertThat(resolve(xds, Request.http(AUTHORITY, 9080, "/x").header("end-user", "jason")).singleCluster()).isEqualTo(cluster("v2", "reviews"));
    assertThat(resolve(xds, Request.http(AUTHORITY, 9080, "/x")).singleCluster()).isEqualTo(cluster("v3", "reviews"));
  }

  @Test
  void clustersAreEdsWithWeightedLocalitiesAndNoEnvoyOnlyExtensions() {
    XdsResources xds = Bookinfo.with().yaml(DestinationRuleSimulationTest.MTLS).generate(Mesh.grpcClient("default"));
    var c = (io.envoyproxy.envoy.config.cluster.v3.Cluster) xds.ofType(XdsType.CLUSTER).get(cluster("v1", "reviews")).message();
    assertThat(c.getType()).isEqualTo(io.envoyproxy.envoy.config.cluster.v3.Cluster.DiscoveryType.EDS);
    assertThat(c.getLbPolicy()).isEqualTo(io.envoyproxy.envoy.config.cluster.v3.Cluster.LbPolicy.ROUND_ROBIN);
    assertThat(c.hasTransportSocket()).isFalse();
    assertThat(c.getTypedExtensionProtocolOptionsMap()).isEmpty();
    var cla = (io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment) xds.ofType(XdsType.ENDPOINT).get(cluster("v1", "reviews")).message();
    assertThat(cla.getEndpoints(0).getLoadBalancingWeight().getValue()).isPositive();
    assertThat(cla.getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress().getAddress()).isEqualTo("10.1.0.13");
  }

  @Test
  void timeoutsReachGrpcAsMaxStreamDuration() throws Exception {
    XdsResources xds = Bookinfo.with("virtual-service-request-timeout.yaml").generate(Mesh.grpcClient("default"));
    Result r = resolve(xds, Request.http(AUTHORITY, 9080, "/x"));
    assertThat(r.route().getRoute().getMaxStreamDuration().getMaxStreamDuration().getNanos()).isEqualTo(500_000_000);
  }
}
