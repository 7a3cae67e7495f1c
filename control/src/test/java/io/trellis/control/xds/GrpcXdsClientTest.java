package io.trellis.control.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolverRegistry;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.xds.XdsNameResolverProvider;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client nobody here wrote — grpc-java's own xDS implementation — bootstrapped against the
 * server, resolving {@code xds:///greeter.test:8080} through api_listener → RDS → CDS → EDS to a
 * real gRPC backend, and following a route change to another backend.
 */
class GrpcXdsClientTest {
  private static final String TARGET = "greeter.test:8080";

  private static Server backend(ServingStatus status) throws Exception {
    HealthStatusManager health = new HealthStatusManager();
    health.setStatus("who", status);
    return NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(health.getHealthService())
        .build()
        .start();
  }

  /** What Istio's gRPC generator emits for one service: an api_listener named HOST:PORT. */
  private static XdsResources resourcesRoutingTo(String cluster, int port1, int port2) {
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setRds(Rds.newBuilder().setConfigSource(TestResources.ADS).setRouteConfigName("route-" + TARGET))
            .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())))
            .build();
    Listener listener =
        Listener.newBuilder().setName(TARGET).setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm))).build();
    RouteConfiguration routes =
        RouteConfiguration.newBuilder()
            .setName("route-" + TARGET)
            .addVirtualHosts(
                VirtualHost.newBuilder()
                    .setName("greeter")
                    .addDomains(TARGET)
                    .addRoutes(
                        Route.newBuilder()
                            .setMatch(RouteMatch.newBuilder().setPrefix(""))
                            .setRoute(RouteAction.newBuilder().setCluster(cluster))))
            .build();
    return XdsResources.builder()
        .add(listener)
        .add(routes)
        .add(edsCluster("one"))
        .add(edsCluster("two"))
        .add(assignment("one", port1))
        .add(assignment("two", port2))
        .build();
  }

  private static Cluster edsCluster(String name) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(TestResources.ADS))
        .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
        .build();
  }

  private static ClusterLoadAssignment assignment(String cluster, int port) {
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(cluster)
        .addEndpoints(
            LocalityLbEndpoints.newBuilder()
                .setLocality(Locality.newBuilder().setRegion("local").setZone("a"))
                // grpc-java ignores localities without a weight
                .setLoadBalancingWeight(UInt32Value.of(1))
                .addLbEndpoints(
                    LbEndpoint.newBuilder()
                        .setEndpoint(
                            Endpoint.newBuilder()
                                .setAddress(
                                    Address.newBuilder()
                                        .setSocketAddress(SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(port))))))
        .build();
  }

  @Test
  void grpcJavaResolvesThroughTheServerAndFollowsARouteChange() throws Exception {
    Server serving = backend(ServingStatus.SERVING);
    Server notServing = backend(ServingStatus.NOT_SERVING);
    int p1 = serving.getPort();
    int p2 = notServing.getPort();
    XdsResources toOne = resourcesRoutingTo("one", p1, p2);
    // Only proxyless gRPC nodes get these resources: proves the node was parsed as grpc-java sent it.
    XdsServer server =
        XdsServer.builder()
            .port(0)
            .generator(node -> node.kind() == ProxyNode.Kind.PROXYLESS_GRPC ? toOne : XdsResources.EMPTY)
            .start();
    ManagedChannel channel = null;
    try {
      Map<String, ?> bootstrap =
          Map.of(
              "xds_servers",
              List.of(
                  Map.of(
                      "server_uri", "127.0.0.1:" + server.port(),
                      "channel_creds", List.of(Map.of("type", "insecure")),
                      "server_features", List.of("xds_v3"))),
              "node",
              Map.of(
                  "id", "sidecar~127.0.0.1~greeter-client.default~default.svc.cluster.local",
                  "metadata", Map.of("NAMESPACE", "default")));
      String scheme = "trellis-xds-test";
      NameResolverRegistry.getDefaultRegistry().register(XdsNameResolverProvider.createForTest(scheme, bootstrap));
      channel = ManagedChannelBuilder.forTarget(scheme + ":///" + TARGET).usePlaintext().build();
      HealthGrpc.HealthBlockingStub stub = HealthGrpc.newBlockingStub(channel);
      HealthCheckRequest who = HealthCheckRequest.newBuilder().setService("who").build();

      assertThat(stub.withDeadlineAfter(20, TimeUnit.SECONDS).check(who).getStatus()).isEqualTo(ServingStatus.SERVING);

      ProxyStatus status = server.status().getFirst();
      assertThat(status.node().kind()).isEqualTo(ProxyNode.Kind.PROXYLESS_GRPC);
      assertThat(status.node().podName()).isEqualTo("greeter-client");
      await().untilAsserted(() ->
          assertThat(server.status().getFirst().types().values())
              .extracting(ProxyStatus.TypeStatus::state)
              .containsOnly(ProxyStatus.SyncState.SYNCED));

      // Route to the other cluster: only RDS changes, and grpc-java follows it.
      server.update(
          node -> node.kind() == ProxyNode.Kind.PROXYLESS_GRPC ? resourcesRoutingTo("two", p1, p2) : XdsResources.EMPTY,
          PushScope.full(Set.of(), Instant.now()));
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> stub.withDeadlineAfter(5, TimeUnit.SECONDS).check(who).getStatus() == ServingStatus.NOT_SERVING);
    } finally {
      if (channel != null) {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      server.close();
      serving.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      notServing.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
