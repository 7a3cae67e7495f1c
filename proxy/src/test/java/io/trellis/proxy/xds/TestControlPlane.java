package io.trellis.proxy.xds;

import io.envoyproxy.controlplane.cache.v3.SimpleCache;
import io.envoyproxy.controlplane.cache.v3.Snapshot;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.controlplane.server.V3DiscoveryServer;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An xDS server for tests, built from java-control-plane's {@code SimpleCache} and
 * {@code V3DiscoveryServer} (code no one here wrote), on loopback. It records every request it sees
 * so tests can assert ACKs, NACKs and the node.
 */
public final class TestControlPlane implements AutoCloseable {
  public static final String GROUP = "test";

  private final SimpleCache<String> cache = new SimpleCache<>(node -> GROUP);
  private final List<DiscoveryRequest> requests = new CopyOnWriteArrayList<>();
  private final List<DeltaDiscoveryRequest> deltaRequests = new CopyOnWriteArrayList<>();
  private Server server;
  private int port;

  public TestControlPlane start(int port) throws IOException {
    V3DiscoveryServer discovery =
        new V3DiscoveryServer(
            new DiscoveryServerCallbacks() {
              @Override
              public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
                requests.add(request);
              }

              @Override
              public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
                deltaRequests.add(request);
              }
            },
            cache);
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
            .addService(discovery.getAggregatedDiscoveryServiceImpl())
            .build()
            .start();
    this.port = server.getPort();
    return this;
  }

  /**
   * An Envoy bootstrap (YAML) whose ADS points at this server: {@code node} is the node's YAML
   * (flow style), LDS and CDS come over ADS.
   */
  public String adsBootstrap(String node) {
    return AdsBootstrapYaml.of(node, port(), "GRPC");
  }

  public int port() {
    return port;
  }

  public void set(
      String version,
      List<Cluster> clusters,
      List<ClusterLoadAssignment> endpoints,
      List<Listener> listeners,
      List<RouteConfiguration> routes) {
    cache.setSnapshot(GROUP, Snapshot.create(clusters, endpoints, listeners, routes, List.of(), version));
  }

  /** A snapshot with SDS secrets too. */
  public void set(
      String version,
      List<Cluster> clusters,
      List<ClusterLoadAssignment> endpoints,
      List<Listener> listeners,
      List<RouteConfiguration> routes,
      List<Secret> secrets) {
    cache.setSnapshot(GROUP, Snapshot.create(clusters, endpoints, listeners, routes, secrets, version));
  }

  public List<DiscoveryRequest> requests() {
    return requests;
  }

  public List<DeltaDiscoveryRequest> deltaRequests() {
    return deltaRequests;
  }

  /** Stops serving and drops open streams, as a crashed control plane would. */
  public void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
      server = null;
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
