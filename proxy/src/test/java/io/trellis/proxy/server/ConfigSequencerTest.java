package io.trellis.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import io.trellis.proxy.config.listener.FilterChainConfig;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The order in which configuration reaches the runtime: clusters warm before listeners use them. */
class ConfigSequencerTest {
  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final AtomicBoolean initialized = new AtomicBoolean();
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();

  private final ConfigTargets targets =
      new ConfigTargets() {
        @Override
        public void applyClusters(Collection<ClusterConfig> clusters) {
          calls.add("clusters " + clusters.stream().map(ClusterConfig::name).sorted().toList());
        }

        @Override
        public void applyEndpoints(Map<String, EndpointsConfig> endpoints) {
          calls.add("endpoints " + endpoints.keySet().stream().sorted().toList());
        }

        @Override
        public void applyRouteConfigs(Map<String, RouteConfig> routes) {
          calls.add("routes " + routes.keySet().stream().sorted().toList());
        }

        @Override
        public void applyListeners(Collection<ListenerConfig> listeners) {
          calls.add("listeners " + listeners.stream().map(ListenerConfig::name).sorted().toList());
        }

        @Override
        public void subscribeEndpoints(Set<String> names) {
          calls.add("subscribe EDS " + names.stream().sorted().toList());
        }

        @Override
        public void subscribeRoutes(Set<String> names) {
          calls.add("subscribe RDS " + names.stream().sorted().toList());
        }
      };

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  static ClusterConfig eds(String name) {
    return ClusterConfig.builder(name).type(DiscoveryType.EDS).build();
  }

  static ClusterConfig fixed(String name) {
    return ClusterConfig.builder(name).loadAssignment(EndpointsConfig.of(name, List.of(LocalityLbEndpoints.of(List.of(LbEndpoint.of("127.0.0.1", 9)))))).build();
  }

  static ListenerConfig rdsListener(String name, String route) {
    var hcm = HttpConnectionManagerConfig.builder(name).rds(route).build();
    return ListenerConfig.builder(name, "127.0.0.1", 0).filterChains(List.of(new FilterChainConfig("", null, hcm))).build();
  }

  static RouteConfig route(String name, String cluster) {
    return new RouteConfig(
        name, List.of(new VirtualHostConfig("all", List.of("*"), List.of(new Route("", RouteMatch.prefix("/"), ForwardAction.to(cluster))))));
  }

  private ConfigSequencer sequencer(List<ClusterConfig> staticClusters, boolean dynamic, Duration warming) {
    return new ConfigSequencer(targets, staticClusters, List.of(), dynamic, executor, warming, log::add, () -> initialized.set(true));
  }

  @Test
  void clustersWarmBeforeListenersAndRoutesBeforeTheirListeners() {
    ConfigSequencer s = sequencer(List.of(fixed("xds_cluster")), true, Duration.ofMinutes(1));
    s.start();
    assertThat(calls).containsExactly("clusters [xds_cluster]", "listeners []");
    assertThat(initialized).isFalse();
    calls.clear();

    s.onClusters("1", Map.of("web", eds("web")));
    assertThat(calls).containsExactly("subscribe EDS [web]");
    assertThat(log).containsExactly("warming CDS version 1: waiting for endpoints of [web]");
    s.onListeners("1", Map.of("ingress", rdsListener("ingress", "r1")));
    assertThat(calls).containsExactly("subscribe EDS [web]", "subscribe RDS [r1]");
    calls.clear();

    s.onEndpoints("1", Map.of("web", EndpointsConfig.empty("web")));
    assertThat(calls).containsExactly("endpoints [web]", "clusters [web, xds_cluster]");
    assertThat(initialized).isFalse();
    calls.clear();

    s.onRoutes("1", Map.of("r1", route("r1", "web")));
    assertThat(calls).containsExactly("routes [r1]", "listeners [ingress]");
    assertThat(initialized).isTrue();
    assertThat(log).contains("applied CDS version 1: 2 clusters", "applied LDS version 1: 1 listeners");
    calls.clear();

    // Once running, updates apply directly; a removed listener is gone from the next applied set.
    s.onRoutes("2", Map.of("r1", route("r1", "web")));
    s.onListeners("2", Map.of());
    assertThat(calls).containsExactly("routes [r1]", "subscribe RDS []", "routes [r1]", "listeners []");
  }

  @Test
  void aListenerTheRuntimeRejectsIsReportedAndNotRetried() {
    List<String> applied = new CopyOnWriteArrayList<>();
    ConfigTargets failing =
        new ConfigTargets() {
          @Override
          public void applyClusters(Collection<ClusterConfig> clusters) {}

          @Override
          public void applyEndpoints(Map<String, EndpointsConfig> endpoints) {}

          @Override
          public void applyRouteConfigs(Map<String, RouteConfig> routes) {
            applied.add("routes");
          }

          @Override
          public void applyListeners(Collection<ListenerConfig> listeners) {
            if (!listeners.isEmpty()) {
              applied.add("failed");
              throw new IllegalStateException("listener[ingress]: cannot bind 127.0.0.1:1: permission denied");
            }
          }

          @Override
          public void subscribeEndpoints(Set<String> names) {}

          @Override
          public void subscribeRoutes(Set<String> names) {}
        };
    ConfigSequencer s = new ConfigSequencer(failing, List.of(), List.of(), true, executor, Duration.ofMinutes(1), log::add, () -> {});
    s.start();
    s.onClusters("1", Map.of());
    s.onRoutes("1", Map.of("r1", route("r1", "web")));
    assertThat(s.onListeners("1", Map.of("ingress", rdsListener("ingress", "r1"))))
        .containsExactly("listener[ingress]: cannot bind 127.0.0.1:1: permission denied");
    assertThat(log).contains("failed to apply LDS version 1: listener[ingress]: cannot bind 127.0.0.1:1: permission denied");
    applied.clear();
    s.onRoutes("2", Map.of("r1", route("r1", "web")));
    assertThat(applied).containsExactly("routes");
  }

  @Test
  void warmingTimesOutAndAppliesWithoutEndpoints() {
    ConfigSequencer s = sequencer(List.of(), true, Duration.ofMillis(100));
    executor.execute(s::start);
    executor.execute(() -> s.onClusters("3", Map.of("web", eds("web"))));
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.contains("clusters [web]"));
    assertThat(log).anyMatch(l -> l.startsWith("CDS version 3: no endpoints for [web] after"));
  }

  @Test
  void staticBootstrapInitializesAtOnce() {
    ConfigSequencer s = sequencer(List.of(fixed("backend")), false, Duration.ofMinutes(1));
    s.start();
    assertThat(calls).containsExactly("clusters [backend]", "listeners []");
    assertThat(initialized).isTrue();
  }
}
