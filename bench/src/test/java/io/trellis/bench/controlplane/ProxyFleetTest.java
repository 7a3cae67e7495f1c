package io.trellis.bench.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
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
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The simulated sidecars against java-control-plane's own ADS server (SimpleCache +
 * V3DiscoveryServer), a server no one here wrote: they subscribe EDS/RDS for exactly what CDS and
 * LDS name, ACK every version, and the convergence watch sees a route change and an endpoint change
 * reach every proxy.
 */
class ProxyFleetTest {

  private static final int SERVICES = 20;
  private static final int PROXIES = 60;

  private final SimpleCache<String> cache = new SimpleCache<>(node -> "mesh");
  private final Set<String> ackedVersions = ConcurrentHashMap.newKeySet();
  private final Set<String> nodesSeen = ConcurrentHashMap.newKeySet();
  private final Set<String> deltaAcks = ConcurrentHashMap.newKeySet();
  private Server server;

  @BeforeEach
  void startServer() throws Exception {
    DiscoveryServerCallbacks callbacks =
        new DiscoveryServerCallbacks() {
          @Override
          public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
            if (request.hasNode()) {
              nodesSeen.add(request.getNode().getId());
            }
            if (!request.getVersionInfo().isEmpty()) {
              ackedVersions.add(request.getTypeUrl() + "@" + request.getVersionInfo());
            }
          }

          @Override
          public void onV3StreamDeltaRequest(long streamId, io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest request) {
            if (request.hasNode()) {
              nodesSeen.add(request.getNode().getId());
            }
            if (!request.getResponseNonce().isEmpty()) {
              deltaAcks.add(request.getTypeUrl());
            }
          }
        };
    V3DiscoveryServer xds = new V3DiscoveryServer(callbacks, cache);
    cache.setSnapshot("mesh", snapshot("1", -1, -1));
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(xds.getAggregatedDiscoveryServiceImpl())
            .build()
            .start();
  }

  @AfterEach
  void stopServer() throws Exception {
    server.shutdownNow().awaitTermination();
  }

  @ParameterizedTest
  @EnumSource(XdsMode.class)
  void everyProxyGetsItsConfigAcksItAndFollowsChanges(XdsMode mode) throws Exception {
    try (ProxyFleet fleet = new ProxyFleet(server.getPort(), PROXIES, i -> SidecarIdentity.of(i, 4), mode, System::nanoTime)) {
      fleet.start();
      assertThat(fleet.awaitInitialConfig(Duration.ofSeconds(20))).isTrue();
      assertThat(fleet.initialConfigMs()).hasSize(PROXIES);
      assertThat(fleet.initialConfigMs()[0]).isPositive();
      assertThat(nodesSeen).hasSize(PROXIES).allMatch(id -> id.startsWith("sidecar~10.128."));
      PushCounters.Totals initial = fleet.counters().snapshot();
      // one CDS/LDS/RDS response and at least one EDS response per proxy; 2 clusters per service
      assertThat(initial.resources().get("cds")).isEqualTo((long) PROXIES * 2 * SERVICES);
      assertThat(initial.resources().get("eds")).isGreaterThanOrEqualTo((long) PROXIES * 2 * SERVICES);
      assertThat(initial.resources().get("rds")).isEqualTo(PROXIES);
      assertThat(initial.totalBytes()).isPositive();
      if (mode == XdsMode.SOTW) {
        await(() -> ackedVersions.containsAll(List.of(
            XdsTypes.CLUSTER + "@1", XdsTypes.ENDPOINT + "@1", XdsTypes.LISTENER + "@1", XdsTypes.ROUTE + "@1")));
      } else {
        // java-control-plane serves no VHDS: the route configuration carries its virtual hosts
        await(() -> deltaAcks.containsAll(List.of(XdsTypes.CLUSTER, XdsTypes.ENDPOINT, XdsTypes.LISTENER, XdsTypes.ROUTE)));
      }

      // a route change: service 7 now goes to subset v2
      ConvergenceWatch route = fleet.watch(Set.of(XdsTypes.ROUTE), cluster(7, "v2"));
      cache.setSnapshot("mesh", snapshot("2", 7, -1));
      assertThat(route.await(Duration.ofSeconds(20))).isTrue();
      assertThat(route.latenciesMs()).hasSize(PROXIES);
      assertThat(route.latenciesMs()[0]).isNotNegative();

      // an endpoint change: service 3's v1 endpoint moves
      PushCounters.Totals beforeMove = fleet.counters().snapshot();
      ConvergenceWatch endpoint = fleet.watch(Set.of(XdsTypes.ENDPOINT), "10.254.0.3");
      cache.setSnapshot("mesh", snapshot("3", 7, 3));
      assertThat(endpoint.await(Duration.ofSeconds(20))).isTrue();
      assertThat(endpoint.latenciesMs()).hasSize(PROXIES);
      if (mode == XdsMode.SOTW) {
        await(() -> ackedVersions.contains(XdsTypes.ENDPOINT + "@3"));
      } else {
        // incremental: only the one changed assignment travels, not all 2 x SERVICES of them
        await(() -> fleet.counters().snapshot().minus(beforeMove).resources().get("eds") >= PROXIES);
        assertThat(fleet.counters().snapshot().minus(beforeMove).resources().get("eds")).isEqualTo((long) PROXIES);
      }
      assertThat(fleet.nacks()).isZero();
      assertThat(fleet.failedStreams()).isZero();
    }
  }

  /** A server that answers with no clusters and no listeners has not configured anyone. */
  @ParameterizedTest
  @EnumSource(XdsMode.class)
  void anEmptyConfigurationIsNotAnInitialConfiguration(XdsMode mode) throws Exception {
    cache.setSnapshot("mesh", Snapshot.createEmpty("0"));
    try (ProxyFleet fleet = new ProxyFleet(server.getPort(), 5, i -> SidecarIdentity.of(i, 1), mode, System::nanoTime)) {
      fleet.start();
      await(() -> fleet.counters().snapshot().responses().get("cds") >= 5 || mode == XdsMode.DELTA);
      assertThat(fleet.awaitInitialConfig(Duration.ofMillis(500))).isFalse();
      assertThat(fleet.initialConfigMs()).isEmpty();
      cache.setSnapshot("mesh", snapshot("1", -1, -1));
      assertThat(fleet.awaitInitialConfig(Duration.ofSeconds(20))).as("and the real one still counts").isTrue();
    }
  }

  @Test
  void aWatchDoesNotFireOnResourcesWithoutTheMarker() throws Exception {
    try (ProxyFleet fleet = new ProxyFleet(server.getPort(), 5, i -> SidecarIdentity.of(i, 1), XdsMode.SOTW, System::nanoTime)) {
      fleet.start();
      assertThat(fleet.awaitInitialConfig(Duration.ofSeconds(20))).isTrue();
      ConvergenceWatch never = fleet.watch(Set.of(XdsTypes.ROUTE), cluster(7, "v2"));
      cache.setSnapshot("mesh", snapshot("2", -1, 4)); // only an endpoint moves
      assertThat(never.await(Duration.ofMillis(500))).isFalse();
      assertThat(never.latenciesMs()).isEmpty();
    }
  }

  private static void await(java.util.concurrent.Callable<Boolean> condition) {
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(condition);
  }

  static String host(int i) {
    return "svc-" + i + ".ns-" + (i % 4) + ".svc.cluster.local";
  }

  static String cluster(int i, String subset) {
    return "outbound|8080|" + subset + "|" + host(i);
  }

  /** Services with v1/v2 subset clusters over EDS, one RDS-backed listener, one route table. */
  private static Snapshot snapshot(String version, int routedToV2, int movedEndpoint) {
    ConfigSource ads = ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();
    List<Cluster> clusters = new ArrayList<>();
    List<ClusterLoadAssignment> endpoints = new ArrayList<>();
    RouteConfiguration.Builder routes = RouteConfiguration.newBuilder().setName("8080");
    for (int i = 0; i < SERVICES; i++) {
      for (String subset : List.of("v1", "v2")) {
        String name = cluster(i, subset);
        clusters.add(
            Cluster.newBuilder()
                .setName(name)
                .setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ads))
                .build());
        String ip = i == movedEndpoint && subset.equals("v1") ? "10.254.0." + i : "10.0." + i + "." + (subset.equals("v1") ? 1 : 2);
        endpoints.add(
            ClusterLoadAssignment.newBuilder()
                .setClusterName(name)
                .addEndpoints(
                    LocalityLbEndpoints.newBuilder()
                        .addLbEndpoints(
                            LbEndpoint.newBuilder()
                                .setEndpoint(
                                    Endpoint.newBuilder()
                                        .setAddress(
                                            Address.newBuilder()
                                                .setSocketAddress(
                                                    SocketAddress.newBuilder().setAddress(ip).setPortValue(8080))))))
                .build());
      }
      routes.addVirtualHosts(
          VirtualHost.newBuilder()
              .setName(host(i) + ":8080")
              .addDomains(host(i))
              .addRoutes(
                  Route.newBuilder()
                      .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                      .setRoute(RouteAction.newBuilder().setCluster(cluster(i, i == routedToV2 ? "v2" : "v1")))));
    }
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix("outbound_0.0.0.0_8080")
            .setRds(Rds.newBuilder().setRouteConfigName("8080").setConfigSource(ads))
            .build();
    Listener listener =
        Listener.newBuilder()
            .setName("0.0.0.0_8080")
            .setAddress(Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(8080)))
            .addFilterChains(
                FilterChain.newBuilder()
                    .addFilters(Filter.newBuilder().setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm))))
            .build();
    return Snapshot.create(clusters, endpoints, List.of(listener), List.of(routes.build()), List.of(), version);
  }
}
