package io.trellis.proxy.http.testing;

import io.netty.util.ResourceLeakDetector;
import io.trellis.proxy.config.listener.FilterChainConfig;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.listener.Listeners;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.stats.StatsStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A proxy (Listeners over the test cluster manager) and backends, all on 127.0.0.1 port 0. */
public final class ProxyFixture implements AutoCloseable {
  static {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  public final Transport transport = Transport.create(2, "proxy-test");
  public final StatsStore stats = new StatsStore();
  public final TestClusterManager clusters = new TestClusterManager(transport);
  public final Listeners listeners;
  private final List<TestBackend> backends = new ArrayList<>();

  public ProxyFixture() {
    this(new Random(42));
  }

  public ProxyFixture(Random random) {
    // The listener drain time bounds how long a connection on an updated listener may live. Tests
    // that update a listener write their next request after the update; on a loaded machine that
    // took over 2 s, and the forced close reset the connection under the test. The connections they
    // drain close as soon as their last response is written, so a long bound costs no test time.
    listeners = new Listeners(transport, clusters, stats, Clock.systemUTC(), random, Listeners.defaultFilters(), Duration.ofSeconds(20));
  }

  public TestBackend backend(String cluster) {
    TestBackend b = new TestBackend(transport, cluster);
    backends.add(b);
    clusters.put(cluster, b.address());
    return b;
  }

  /** Applies one HTTP listener named "http" with the given connection manager; returns its port. */
  public int http(HttpConnectionManagerConfig hcm) {
    listeners.applyListeners(List.of(listener("http", hcm)));
    return listeners.boundPort("http");
  }

  public int http(RouteConfig routes) {
    return http(HttpConnectionManagerConfig.builder("ingress").routeConfig(routes).build());
  }

  public static ListenerConfig listener(String name, HttpConnectionManagerConfig hcm) {
    return ListenerConfig.builder(name, "127.0.0.1", 0)
        .filterChains(List.of(new FilterChainConfig("default", null, hcm)))
        .build();
  }

  public long counter(String name) {
    return stats.counters().getOrDefault(name, 0L);
  }

  @Override
  public void close() {
    listeners.close();
    backends.forEach(TestBackend::close);
    transport.close();
  }
}
