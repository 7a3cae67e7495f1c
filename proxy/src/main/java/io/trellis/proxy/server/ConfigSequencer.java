package io.trellis.proxy.server;

import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.xds.ListenerResource;
import io.trellis.proxy.xds.VirtualHostResource;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Applies xDS updates in Envoy's order. A new cluster set <em>warms</em> until every EDS cluster in it
 * has its endpoints (or the initial fetch timeout passes, when it is applied with what it has), and
 * only then replaces the running clusters: so a route never points at a cluster that exists but has
 * no hosts. Listeners wait for the clusters to be warm and for every route configuration they name
 * over RDS; routes are applied before the listeners that use them. Static resources from the
 * bootstrap are always part of the applied sets.
 *
 * <p>A route configuration with {@code vhds} is completed by the VHDS virtual hosts held under its
 * name ({@link VhdsMerge}); it is subscribed on VHDS while RDS holds it, and until a VHDS response has
 * arrived for that subscription it is not warm: a listener naming it waits, and a running listener
 * keeps the version of it that was in force before.
 *
 * <p>Not thread-safe: it runs on the ADS client's executor, which serializes every update.
 */
public final class ConfigSequencer {
  /** Envoy's default {@code initial_fetch_timeout}. */
  public static final Duration DEFAULT_WARMING_TIMEOUT = Duration.ofSeconds(15);

  private final ConfigTargets targets;
  private final ScheduledExecutorService executor;
  private final Duration warmingTimeout;
  private final Consumer<String> log;
  private final Runnable onInitialized;
  private final boolean expectDynamic;

  private final Map<String, ClusterConfig> staticClusters;
  private final Map<String, ListenerConfig> staticListeners;

  private Map<String, EndpointsConfig> endpoints = Map.of();
  private Map<String, RouteConfig> routes = Map.of();
  /** VHDS resources held, by resource name ({@code <route config>/<host>}). */
  private Map<String, VirtualHostConfig> virtualHosts = Map.of();
  // The last merge and its inputs (compared by identity: both maps are immutable and replaced whole).
  private Map<String, RouteConfig> lastMergedRoutes;
  private Map<String, VirtualHostConfig> lastMergedHosts;
  private VhdsMerge.Result lastMerge;
  /** What the runtime has, by name: a not-yet-served VHDS configuration keeps its entry from here. */
  private Map<String, RouteConfig> appliedRoutes = Map.of();
  private Set<String> rdsSubscribed = Set.of();
  private Set<String> vhdsSubscribed = Set.of();
  /** VHDS-subscribed route configurations a VHDS response has arrived for since they were subscribed. */
  private final Set<String> vhdsServed = new HashSet<>();

  private PendingClusters pendingClusters;
  private PendingListeners pendingListeners;
  private ScheduledFuture<?> warmingTimer;
  private boolean clustersApplied;
  private boolean listenersApplied;
  private boolean initialized;
  private volatile Set<String> warming = Set.of();
  private String listenerFailure;

  private record PendingClusters(String version, Map<String, ClusterConfig> clusters) {}

  private record PendingListeners(String version, Map<String, ListenerConfig> listeners) {}

  /**
   * @param expectDynamic whether CDS and LDS come over ADS: initialization then waits for the first of
   *     each, otherwise the static resources alone initialize the proxy
   * @param log receives one line per applied or held change
   */
  public ConfigSequencer(
      ConfigTargets targets,
      List<ClusterConfig> staticClusters,
      List<ListenerConfig> staticListeners,
      boolean expectDynamic,
      ScheduledExecutorService executor,
      Duration warmingTimeout,
      Consumer<String> log,
      Runnable onInitialized) {
    this.targets = targets;
    this.executor = executor;
    this.warmingTimeout = warmingTimeout;
    this.log = log;
    this.onInitialized = onInitialized;
    this.expectDynamic = expectDynamic;
    this.staticClusters = byName(staticClusters, ClusterConfig::name);
    this.staticListeners = byName(staticListeners, ListenerConfig::name);
  }

  private static <T> Map<String, T> byName(List<T> items, java.util.function.Function<T, String> name) {
    Map<String, T> out = new LinkedHashMap<>();
    items.forEach(i -> out.put(name.apply(i), i));
    return out;
  }

  /** Applies the bootstrap's static clusters and listeners (with their inline routes and endpoints). */
  public void start() {
    targets.applyClusters(List.copyOf(staticClusters.values()));
    clustersApplied = !expectDynamic;
    Set<String> eds = edsNames(staticClusters);
    if (!eds.isEmpty()) {
      targets.subscribeEndpoints(eds);
    }
    Set<String> rds = rdsNames(staticListeners);
    if (!rds.isEmpty()) {
      subscribeRoutes(rds);
      pendingListeners = new PendingListeners("static", Map.of());
      tryApplyListeners();
    } else {
      targets.applyListeners(List.copyOf(staticListeners.values()));
      listenersApplied = !expectDynamic;
    }
    maybeInitialized();
  }

  public void onClusters(String version, Map<String, ClusterConfig> clusters) {
    Map<String, ClusterConfig> dynamic = new LinkedHashMap<>(clusters);
    dynamic.keySet().removeAll(staticClusters.keySet());
    pendingClusters = new PendingClusters(version, dynamic);
    warming = Set.copyOf(dynamic.keySet());
    Map<String, ClusterConfig> all = merged(staticClusters, dynamic);
    targets.subscribeEndpoints(edsNames(all));
    if (!tryApplyClusters()) {
      log.accept("warming CDS version " + version + ": waiting for endpoints of " + missingEndpoints(all));
      if (warmingTimer == null) {
        warmingTimer = executor.schedule(this::warmingTimedOut, warmingTimeout.toMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  public void onEndpoints(String version, Map<String, EndpointsConfig> endpoints) {
    this.endpoints = Map.copyOf(endpoints);
    if (pendingClusters != null) {
      tryApplyClusters();
    } else {
      targets.applyEndpoints(this.endpoints);
      log.accept("applied EDS version " + version + ": " + endpoints.size() + " cluster load assignments");
    }
  }

  /**
   * Returns why the route configurations cannot be used (their virtual hosts clash with the VHDS
   * virtual hosts held; the caller NACKs and nothing changes), or an empty list.
   */
  public List<String> onRoutes(String version, Map<String, RouteConfig> routes) {
    Map<String, RouteConfig> next = Map.copyOf(routes);
    List<String> clashes = merge(next, virtualHosts).errors();
    if (!clashes.isEmpty()) {
      return clashes;
    }
    this.routes = next;
    updateVhdsSubscription();
    if (pendingListeners != null) {
      tryApplyListeners();
    } else {
      applyRoutes();
      log.accept("applied RDS version " + version + ": " + routes.size() + " route configurations");
    }
    return List.of();
  }

  /**
   * A VHDS response was accepted: {@code hosts} is every VHDS virtual host now held. Returns why it
   * cannot be used (a clash with another virtual host of its route configuration; the caller NACKs and
   * the previous virtual hosts stay), or an empty list. Either way the subscription has been answered.
   */
  public List<String> onVirtualHosts(String version, Map<String, VirtualHostConfig> hosts) {
    Map<String, VirtualHostConfig> subscribed = new LinkedHashMap<>();
    hosts.forEach((name, host) -> {
      if (underAny(vhdsSubscribed, name)) {
        subscribed.put(name, host);
      }
    });
    Map<String, VirtualHostConfig> next = Map.copyOf(subscribed);
    List<String> clashes = merge(routes, next).errors();
    if (!clashes.isEmpty()) {
      return clashes;
    }
    virtualHosts = next;
    vhdsServed.addAll(vhdsSubscribed);
    if (pendingListeners != null) {
      tryApplyListeners();
    } else {
      applyRoutes();
      log.accept("applied VHDS version " + version + ": " + next.size() + " virtual hosts");
    }
    return List.of();
  }

  /** A VHDS response was NACKed: the previous virtual hosts stay, and the subscription counts as answered. */
  public void onVirtualHostsRejected() {
    if (vhdsServed.addAll(vhdsSubscribed) && pendingListeners != null) {
      tryApplyListeners();
    }
  }

  private void subscribeRoutes(Set<String> names) {
    rdsSubscribed = Set.copyOf(names);
    targets.subscribeRoutes(names);
    updateVhdsSubscription();
  }

  /** VHDS follows the held, still subscribed route configurations that ask for it. */
  private void updateVhdsSubscription() {
    Set<String> names = new TreeSet<>();
    for (String name : rdsSubscribed) {
      RouteConfig config = routes.get(name);
      if (config != null && config.vhds()) {
        names.add(name);
      }
    }
    if (names.equals(vhdsSubscribed)) {
      return;
    }
    vhdsSubscribed = Set.copyOf(names);
    vhdsServed.retainAll(names);
    Map<String, VirtualHostConfig> kept = new LinkedHashMap<>(virtualHosts);
    kept.keySet().removeIf(name -> !underAny(names, name));
    virtualHosts = Map.copyOf(kept);
    targets.subscribeVirtualHosts(vhdsSubscribed);
  }

  /**
   * The route configurations in force: each with its VHDS virtual hosts merged in, except that one
   * whose VHDS subscription is not answered yet keeps what was applied before (or is left out).
   */
  private void applyRoutes() {
    Map<String, RouteConfig> merged = merge(routes, virtualHosts).routes();
    Map<String, RouteConfig> next = new LinkedHashMap<>();
    merged.forEach((name, config) -> {
      if (!config.vhds() || vhdsServed.contains(name)) {
        next.put(name, config);
      } else if (appliedRoutes.containsKey(name)) {
        next.put(name, appliedRoutes.get(name));
      }
    });
    appliedRoutes = Map.copyOf(next);
    targets.applyRouteConfigs(appliedRoutes);
  }

  /**
   * Returns why the listeners could not be applied when they were applied at once and failed (the
   * caller NACKs), or an empty list (applied, or held until clusters and routes are ready).
   */
  public List<String> onListeners(String version, Map<String, ListenerConfig> listeners) {
    Map<String, ListenerConfig> dynamic = new LinkedHashMap<>(listeners);
    dynamic.keySet().removeAll(staticListeners.keySet());
    pendingListeners = new PendingListeners(version, dynamic);
    subscribeRoutes(rdsNames(merged(staticListeners, dynamic)));
    if (!tryApplyListeners()) {
      Set<String> missing = new TreeSet<>(rdsNames(merged(staticListeners, dynamic)));
      missing.removeIf(name -> routes.containsKey(name) && warm(name));
      log.accept(
          "holding LDS version " + version + ": waiting for "
              + (pendingClusters != null ? "clusters to warm" : "route configurations (RDS, and VHDS for those with vhds) " + missing));
    }
    String failure = listenerFailure;
    listenerFailure = null;
    return failure == null ? List.of() : List.of(failure);
  }

  private boolean tryApplyClusters() {
    PendingClusters pending = pendingClusters;
    Map<String, ClusterConfig> all = merged(staticClusters, pending.clusters());
    if (!missingEndpoints(all).isEmpty()) {
      return false;
    }
    applyClusters(pending, all);
    return true;
  }

  private void warmingTimedOut() {
    warmingTimer = null;
    if (pendingClusters != null) {
      Map<String, ClusterConfig> all = merged(staticClusters, pendingClusters.clusters());
      log.accept(
          "CDS version " + pendingClusters.version() + ": no endpoints for " + missingEndpoints(all) + " after "
              + warmingTimeout.toSeconds() + "s; applying without them");
      applyClusters(pendingClusters, all);
    }
  }

  private void applyClusters(PendingClusters pending, Map<String, ClusterConfig> all) {
    if (warmingTimer != null) {
      warmingTimer.cancel(false);
      warmingTimer = null;
    }
    // Endpoints first: a cluster that appears must find its hosts already there.
    targets.applyEndpoints(endpoints);
    targets.applyClusters(List.copyOf(all.values()));
    pendingClusters = null;
    warming = Set.of();
    clustersApplied = true;
    log.accept("applied CDS version " + pending.version() + ": " + all.size() + " clusters");
    if (pendingListeners != null) {
      tryApplyListeners();
    }
    maybeInitialized();
  }

  private boolean tryApplyListeners() {
    PendingListeners pending = pendingListeners;
    if (pendingClusters != null || (expectDynamic && !clustersApplied && !pending.version().equals("static"))) {
      return false;
    }
    Map<String, ListenerConfig> all = merged(staticListeners, pending.listeners());
    for (String name : rdsNames(all)) {
      if (!routes.containsKey(name) || !warm(name)) {
        return false;
      }
    }
    applyRoutes();
    pendingListeners = null;
    try {
      targets.applyListeners(List.copyOf(all.values()));
    } catch (Exception e) {
      // Compilation failures change nothing; a bind failure leaves the listeners that did bind. Netty
      // rethrows a bind's IOException unchecked, hence Exception rather than the runtime's own types.
      listenerFailure = e instanceof IllegalArgumentException || e instanceof IllegalStateException ? e.getMessage() : e.toString();
      log.accept("failed to apply " + describe(pending) + ": " + listenerFailure);
      return true;
    }
    if (!pending.version().equals("static") || !expectDynamic) {
      listenersApplied = true;
    }
    log.accept("applied " + describe(pending) + ": " + all.size() + " listeners");
    maybeInitialized();
    return true;
  }

  /**
   * {@link VhdsMerge#merge}, remembered for the last inputs: an update is merged once to check it
   * for clashes, and applying it then reuses that result instead of merging a second time.
   */
  private VhdsMerge.Result merge(Map<String, RouteConfig> routes, Map<String, VirtualHostConfig> hosts) {
    if (routes != lastMergedRoutes || hosts != lastMergedHosts) {
      lastMerge = VhdsMerge.merge(routes, hosts);
      lastMergedRoutes = routes;
      lastMergedHosts = hosts;
    }
    return lastMerge;
  }

  private static boolean underAny(Set<String> routeNames, String virtualHostName) {
    String owner = VirtualHostResource.routeConfigName(virtualHostName);
    return owner != null && routeNames.contains(owner);
  }

  /** A held route configuration is warm unless it waits for its first VHDS response. */
  private boolean warm(String routeName) {
    return !routes.get(routeName).vhds() || vhdsServed.contains(routeName);
  }

  private static String describe(PendingListeners pending) {
    return pending.version().equals("static") ? "static listeners" : "LDS version " + pending.version();
  }

  private void maybeInitialized() {
    if (!initialized && clustersApplied && listenersApplied && pendingListeners == null && pendingClusters == null) {
      initialized = true;
      onInitialized.run();
    }
  }

  private Set<String> missingEndpoints(Map<String, ClusterConfig> clusters) {
    Set<String> missing = new TreeSet<>(edsNames(clusters));
    missing.removeAll(endpoints.keySet());
    return missing;
  }

  private static Set<String> edsNames(Map<String, ClusterConfig> clusters) {
    Set<String> names = new LinkedHashSet<>();
    clusters.values().forEach(c -> {
      if (c.type() == DiscoveryType.EDS) {
        names.add(c.edsName());
      }
    });
    return names;
  }

  private static Set<String> rdsNames(Map<String, ListenerConfig> listeners) {
    Set<String> names = new LinkedHashSet<>();
    listeners.values().forEach(l -> names.addAll(ListenerResource.rdsNames(l)));
    return names;
  }

  private static <T> Map<String, T> merged(Map<String, T> statics, Map<String, T> dynamic) {
    Map<String, T> out = new LinkedHashMap<>(statics);
    dynamic.forEach(out::putIfAbsent);
    return out;
  }

  /** The clusters of a CDS update still waiting for their endpoints; safe from any thread. */
  public Set<String> warmingClusters() {
    return warming;
  }
}
