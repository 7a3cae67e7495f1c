package io.trellis.proxy.router;

import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.StreamInfo;
import io.trellis.proxy.http.testing.ProxyFixture;
import io.trellis.proxy.listener.Listeners;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.stats.StatsStore;
import io.trellis.proxy.upstream.UpstreamClusters;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/** The listeners over the real {@link UpstreamClusters}, with scripted backends, for retry, timeout and mirror tests. */
final class ResilienceFixture implements AutoCloseable {
  final Transport transport = Transport.create(2, "resilience-test");
  final StatsStore stats = new StatsStore();
  final UpstreamClusters clusters = new UpstreamClusters(transport, stats, Clock.systemUTC(), new Random(7));
  final List<StreamInfo> finished = new CopyOnWriteArrayList<>();
  final Listeners listeners = new Listeners(transport, clusters, stats, Clock.systemUTC(), new Random(7),
      Listeners.defaultFilters(), Duration.ofSeconds(1), finished::add);
  private final Map<String, ClusterConfig> clusterConfigs = new LinkedHashMap<>();
  private final List<ScriptedBackend> backends = new ArrayList<>();

  ScriptedBackend backend(String name) {
    return backend(name, false);
  }

  ScriptedBackend backend(String name, boolean http2) {
    ScriptedBackend b = new ScriptedBackend(transport, name, http2);
    backends.add(b);
    return b;
  }

  /** A STATIC round-robin cluster over the given ports (a port may be one nothing listens on). */
  void cluster(String name, int... ports) {
    cluster(name, b -> b, ports);
  }

  void cluster(String name, java.util.function.UnaryOperator<ClusterConfig.Builder> more, int... ports) {
    List<LbEndpoint> eps = new ArrayList<>();
    for (int p : ports) {
      eps.add(LbEndpoint.of("127.0.0.1", p));
    }
    clusterConfigs.put(name, more.apply(ClusterConfig.builder(name).type(DiscoveryType.STATIC)
        .connectTimeout(Duration.ofSeconds(1))
        .loadAssignment(EndpointsConfig.of(name, List.of(LocalityLbEndpoints.of(eps))))).build());
    clusters.applyClusters(List.copyOf(clusterConfigs.values()));
  }

  /** Serves {@code routes} on one listener with a catch-all virtual host; returns the base URL. */
  String serve(Route... routes) {
    return serve(b -> b, routes);
  }

  /** As {@link #serve(Route...)}, with connection-manager settings. */
  String serve(java.util.function.UnaryOperator<HttpConnectionManagerConfig.Builder> hcm, Route... routes) {
    RouteConfig config = new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"), List.of(routes))));
    listeners.applyListeners(List.of(ProxyFixture.listener("l", hcm.apply(HttpConnectionManagerConfig.builder("res").routeConfig(config)).build())));
    return "http://127.0.0.1:" + listeners.boundPort("l");
  }

  long counter(String name) {
    return stats.counters().getOrDefault(name, 0L);
  }

  @Override
  public void close() {
    listeners.close();
    clusters.close();
    backends.forEach(ScriptedBackend::close);
    transport.close();
  }
}
