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
  private final java.util.concurrent.atomic.AtomicReference<Map<String, RouteConfig>> appliedRoutes =
      new java.util.concurrent.atomic.AtomicReference<>(Map.of());
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
          appliedRoutes.set(Map.copyOf(routes));
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

        @Override
        public void subscribeVirtualHosts(Set<String> names) {
          calls.add("subscribe VHDS " + names.stream().sorted().toList());
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

          @Override
          public void subscribeVirtualHosts(Set<String> names) {}
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

  static VirtualHostConfig host(String name, String domain, String cluster) {
    return new VirtualHostConfig(name, List.of(domain), List.of(new Route("", RouteMatch.prefix("/"), ForwardAction.to(cluster))));
  }

  static RouteConfig vhdsRoute(String name, VirtualHostConfig... inline) {
    return new RouteConfig(name, List.of(inline), null, true);
  }

  private List<String> hostNames(String route) {
    return appliedRoutes.get().get(route).virtualHosts().stream().map(VirtualHostConfig::name).toList();
  }

  @Test
  void aVhdsRouteConfigurationWarmsUntilItsFirstVhdsResponseThenServesTheMergedHosts() {
    ConfigSequencer s = sequencer(List.of(), true, Duration.ofMinutes(1));
    s.start();
    s.onClusters("1", Map.of());
    s.onListeners("1", Map.of("ingress", rdsListener("ingress", "8080")));
    calls.clear();

    assertThat(s.onRoutes("1", Map.of("8080", vhdsRoute("8080")))).isEmpty();
    // Subscribed by the route configuration's name; the listener waits for the answer.
    assertThat(calls).containsExactly("subscribe VHDS [8080]");
    assertThat(initialized).isFalse();

    assertThat(s.onVirtualHosts("v1", Map.of("8080/b", host("8080/b", "b.example", "b"), "8080/a", host("8080/a", "a.example", "a"))))
        .isEmpty();
    assertThat(calls).containsExactly("subscribe VHDS [8080]", "routes [8080]", "listeners [ingress]");
    assertThat(initialized).isTrue();
    assertThat(hostNames("8080")).containsExactly("8080/a", "8080/b");
    calls.clear();

    // An RDS update keeps the VHDS hosts, after its own inline ones.
    assertThat(s.onRoutes("2", Map.of("8080", vhdsRoute("8080", host("inline", "inline.example", "c"))))).isEmpty();
    assertThat(calls).containsExactly("routes [8080]");
    assertThat(hostNames("8080")).containsExactly("inline", "8080/a", "8080/b");

    // A VHDS host whose domain clashes is refused and changes nothing.
    List<String> clash =
        s.onVirtualHosts("v2", Map.of("8080/a", host("8080/a", "a.example", "a"), "8080/c", host("8080/c", "inline.example", "c")));
    assertThat(clash).singleElement().asString()
        .contains("RouteConfiguration [8080]")
        .contains("virtual_hosts[8080/c].domains: 'inline.example' (expected: unique across virtual hosts)");
    assertThat(hostNames("8080")).containsExactly("inline", "8080/a", "8080/b");

    // A removed host is gone; hosts of route configurations not subscribed are ignored.
    assertThat(s.onVirtualHosts("v3", Map.of("8080/a", host("8080/a", "a.example", "a"), "9090/x", host("9090/x", "x.example", "x"))))
        .isEmpty();
    assertThat(hostNames("8080")).containsExactly("inline", "8080/a");
    assertThat(log).contains("applied VHDS version v3: 1 virtual hosts");
  }

  @Test
  void anRdsUpdateWhoseInlineHostsClashWithHeldVhdsHostsIsRefused() {
    ConfigSequencer s = sequencer(List.of(), true, Duration.ofMinutes(1));
    s.start();
    s.onClusters("1", Map.of());
    s.onListeners("1", Map.of("ingress", rdsListener("ingress", "8080")));
    s.onRoutes("1", Map.of("8080", vhdsRoute("8080")));
    s.onVirtualHosts("v1", Map.of("8080/a", host("8080/a", "a.example", "a")));
    assertThat(s.onRoutes("2", Map.of("8080", vhdsRoute("8080", host("inline", "a.example", "c")))))
        .singleElement().asString().contains("'a.example' (expected: unique across virtual hosts)");
    assertThat(hostNames("8080")).containsExactly("8080/a");
  }

  @Test
  void aRejectedFirstVhdsResponseStillAnswersTheSubscriptionAndUnsubscribingDropsTheHosts() {
    ConfigSequencer s = sequencer(List.of(), true, Duration.ofMinutes(1));
    s.start();
    s.onClusters("1", Map.of());
    s.onListeners("1", Map.of("ingress", rdsListener("ingress", "8080")));
    s.onRoutes("1", Map.of("8080", vhdsRoute("8080", host("inline", "inline.example", "c"))));
    assertThat(initialized).isFalse();
    s.onVirtualHostsRejected();
    assertThat(initialized).isTrue();
    assertThat(hostNames("8080")).containsExactly("inline");
    s.onVirtualHosts("v1", Map.of("8080/a", host("8080/a", "a.example", "a")));
    assertThat(hostNames("8080")).containsExactly("inline", "8080/a");
    calls.clear();

    // The listener moves to another route configuration: 8080 is no longer subscribed, nor its hosts.
    s.onListeners("2", Map.of("ingress", rdsListener("ingress", "9090")));
    assertThat(calls).containsExactly("subscribe RDS [9090]", "subscribe VHDS []");
    s.onRoutes("2", Map.of("9090", route("9090", "web")));
    assertThat(appliedRoutes.get()).containsOnlyKeys("9090");
  }
}
