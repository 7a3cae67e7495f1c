package io.trellis.proxy.server;

import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.trellis.proxy.admin.AdminServer;
import io.trellis.proxy.admin.AdminTarget;
import io.trellis.proxy.admin.ClusterStatus;
import io.trellis.proxy.admin.ListenerStatus;
import io.trellis.proxy.admin.ServerState;
import io.trellis.proxy.bootstrap.BootstrapException;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.listener.Listeners;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.stats.StatsStore;
import io.trellis.proxy.upstream.UpstreamClusters;
import io.trellis.proxy.xds.AdsClient;
import io.trellis.proxy.xds.Backoff;
import io.trellis.proxy.xds.ClusterLoadAssignmentResource;
import io.trellis.proxy.xds.ClusterResource;
import io.trellis.proxy.xds.ListenerResource;
import io.trellis.proxy.xds.RejectedUpdate;
import io.trellis.proxy.xds.ResourceEntry;
import io.trellis.proxy.xds.RouteConfigurationResource;
import io.trellis.proxy.xds.SecretDumps;
import io.trellis.proxy.xds.SecretResource;
import io.trellis.proxy.xds.SensitiveFields;
import io.trellis.proxy.xds.TypeState;
import io.trellis.proxy.xds.ValidationErrors;
import io.trellis.proxy.xds.VirtualHostResource;
import io.trellis.proxy.xds.XdsResourceType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running proxy: the composition root. It creates the shared {@link Transport} and
 * {@link StatsStore}, the upstream clusters and the listeners, converts the bootstrap's static
 * resources with the same parsers ADS uses (so a bad static listener fails the start with its path),
 * starts the admin server and the ADS client, and lets a {@link ConfigSequencer} feed both runtimes in
 * Envoy's order. Stops on {@link #close()}, on {@code /quitquitquit}, and from the command's SIGTERM hook.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
  private static final List<XdsResourceType<?, ?>> ADS_TYPES =
      List.of(
          ClusterResource.INSTANCE,
          ClusterLoadAssignmentResource.INSTANCE,
          ListenerResource.INSTANCE,
          RouteConfigurationResource.INSTANCE,
          SecretResource.INSTANCE);
  /** Delta ADS adds VHDS, after RDS (Envoy's push order). */
  private static final List<XdsResourceType<?, ?>> DELTA_ADS_TYPES =
      List.of(
          ClusterResource.INSTANCE,
          ClusterLoadAssignmentResource.INSTANCE,
          ListenerResource.INSTANCE,
          RouteConfigurationResource.INSTANCE,
          VirtualHostResource.INSTANCE,
          SecretResource.INSTANCE);

  /**
   * How to run.
   *
   * @param concurrency event loops; 0 or less means one per core
   * @param configLog receives one line per configuration change (the command prints them to stderr)
   * @param warmingTimeout how long a cluster set waits for EDS before it is applied anyway
   * @param backoff reconnect policy for the ADS stream
   * @param version the build's version, reported by {@code /server_info}
   */
  public record Options(
      int concurrency, Clock clock, Consumer<String> configLog, Duration warmingTimeout, Backoff backoff, String version) {
    public static Options defaults() {
      return new Options(
          0,
          Clock.systemUTC(),
          LOG::info,
          ConfigSequencer.DEFAULT_WARMING_TIMEOUT,
          new Backoff(Backoff.DEFAULT_INITIAL, Backoff.DEFAULT_MAX, new java.util.Random()),
          "dev");
    }

    public Options withConcurrency(int value) {
      return new Options(value, clock, configLog, warmingTimeout, backoff, version);
    }

    public Options withConfigLog(Consumer<String> value) {
      return new Options(concurrency, clock, value, warmingTimeout, backoff, version);
    }

    public Options withBackoff(Backoff value) {
      return new Options(concurrency, clock, configLog, warmingTimeout, value, version);
    }

    public Options withVersion(String value) {
      return new Options(concurrency, clock, configLog, warmingTimeout, backoff, value);
    }
  }

  private final Bootstrap bootstrap;
  private final Instant loaded;
  private final Options options;
  private final ServerState state;
  private final StatsStore stats = new StatsStore();
  private final Transport transport;
  private final UpstreamClusters upstream;
  private final Listeners listeners;
  private final ScheduledExecutorService xdsExecutor;
  private final ConfigSequencer sequencer;
  private final Set<String> staticClusterNames;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean closing = new AtomicBoolean();
  private volatile AdsClient ads;
  private volatile AdminServer admin;

  private ProxyServer(
      Bootstrap bootstrap, Options options, List<ClusterConfig> staticClusters, List<ListenerConfig> staticListeners) {
    this.bootstrap = bootstrap;
    this.options = options;
    this.loaded = options.clock().instant();
    this.state = new ServerState(options.clock());
    this.transport = Transport.create(options.concurrency(), "trellis-worker");
    this.upstream = new UpstreamClusters(transport, stats, options.clock(), Listeners.threadLocalRandom());
    this.listeners = new Listeners(transport, upstream, stats, options.clock());
    this.listeners.onSecretNames(names -> {
      AdsClient a = ads;
      if (a != null) {
        a.subscribe(SecretResource.INSTANCE, names);
      }
    });
    this.xdsExecutor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "trellis-xds");
              t.setDaemon(true);
              return t;
            });
    this.staticClusterNames = Set.copyOf(staticClusters.stream().map(ClusterConfig::name).toList());
    this.sequencer =
        new ConfigSequencer(
            new RuntimeTargets(),
            staticClusters,
            staticListeners,
            usesAds(bootstrap),
            xdsExecutor,
            options.warmingTimeout(),
            options.configLog(),
            this::initialized);
  }

  /**
   * Validates the static resources, then starts everything. Throws {@link BootstrapException} naming
   * every bad static resource, before anything binds.
   *
   * @param source names the bootstrap in errors (its file name)
   */
  public static ProxyServer start(Bootstrap bootstrap, String source, Options options)
      throws BootstrapException, IOException {
    List<String> problems = new ArrayList<>();
    List<ClusterConfig> clusters = new ArrayList<>();
    var statics = bootstrap.getStaticResources();
    for (int i = 0; i < statics.getClustersCount(); i++) {
      Cluster c = statics.getClusters(i);
      ClusterConfig converted =
          ClusterResource.INSTANCE.parse(c, ValidationErrors.at("static_resources.clusters[" + i + "] Cluster [" + c.getName() + "]", problems));
      if (converted != null) {
        clusters.add(converted);
      }
    }
    List<ListenerConfig> listeners = new ArrayList<>();
    for (int i = 0; i < statics.getListenersCount(); i++) {
      Listener l = statics.getListeners(i);
      ListenerConfig converted =
          ListenerResource.INSTANCE.parse(l, ValidationErrors.at("static_resources.listeners[" + i + "] Listener [" + l.getName() + "]", problems));
      if (converted != null) {
        listeners.add(converted);
      }
    }
    Map<String, io.trellis.proxy.tls.Secret> secrets = new LinkedHashMap<>();
    for (int i = 0; i < statics.getSecretsCount(); i++) {
      var s = statics.getSecrets(i);
      var converted =
          SecretResource.INSTANCE.parse(s, ValidationErrors.at("static_resources.secrets[" + i + "] Secret [" + s.getName() + "]", problems));
      if (converted != null) {
        secrets.put(s.getName(), converted);
      }
    }
    if (!problems.isEmpty()) {
      throw new BootstrapException(source, problems);
    }
    ProxyServer server = new ProxyServer(bootstrap, options, clusters, listeners);
    server.listeners.applyStaticSecrets(secrets);
    try {
      server.startAdmin();
      server.xdsExecutor.submit(server.sequencer::start).get(30, TimeUnit.SECONDS);
      server.startAds();
    } catch (Exception e) {
      if (server.closing.get()) {
        // Asked to stop (/quitquitquit, SIGTERM) while still starting: that is a clean stop, not a failure.
        return server;
      }
      server.close();
      if (e instanceof java.util.concurrent.ExecutionException ee && ee.getCause() instanceof IllegalArgumentException bad) {
        throw new BootstrapException(source, List.of("static_resources: " + bad.getMessage()));
      }
      if (e instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot start the proxy: " + e, e);
    }
    return server;
  }

  private static boolean usesAds(Bootstrap bootstrap) {
    return bootstrap.hasDynamicResources() && bootstrap.getDynamicResources().hasAdsConfig();
  }

  private void startAdmin() throws IOException {
    if (!bootstrap.hasAdmin() || !bootstrap.getAdmin().hasAddress()) {
      return;
    }
    SocketAddress address = bootstrap.getAdmin().getAddress().getSocketAddress();
    admin = AdminServer.start(new InetSocketAddress(address.getAddress(), address.getPortValue()), state, stats, new Admin());
    options.configLog().accept("admin listening on " + address.getAddress() + ":" + admin.port());
  }

  private boolean deltaAds() {
    return usesAds(bootstrap) && bootstrap.getDynamicResources().getAdsConfig().getApiType() == ApiConfigSource.ApiType.DELTA_GRPC;
  }

  private void startAds() {
    if (!usesAds(bootstrap) || closing.get()) {
      return;
    }
    var config = bootstrap.getDynamicResources().getAdsConfig();
    String clusterName = config.getGrpcServices(0).getEnvoyGrpc().getClusterName();
    Cluster cluster =
        bootstrap.getStaticResources().getClustersList().stream()
            .filter(c -> c.getName().equals(clusterName))
            .findFirst()
            .orElseThrow();
    var endpoint = cluster.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress().getSocketAddress();
    ManagedChannel channel =
        NettyChannelBuilder.forAddress(endpoint.getAddress(), endpoint.getPortValue())
            .usePlaintext()
            .keepAliveTime(30, TimeUnit.SECONDS)
            .build();
    boolean delta = deltaAds();
    ads =
        new AdsClient(
            channel,
            bootstrap.getNode(),
            delta,
            delta ? DELTA_ADS_TYPES : ADS_TYPES,
            Set.of(ClusterResource.TYPE_URL, ListenerResource.TYPE_URL),
            xdsExecutor,
            options.clock(),
            options.backoff(),
            new AdsUpdates());
    ads.subscribe(SecretResource.INSTANCE, listeners.secretNames());
    options.configLog().accept(
        "ADS " + (delta ? "(delta) " : "") + "to " + endpoint.getAddress() + ":" + endpoint.getPortValue() + " as " + bootstrap.getNode().getId());
    ads.start();
  }

  private void initialized() {
    state.markInitialized();
    stats.gauge("server.live").set(1);
    options.configLog().accept("initial configuration applied: LIVE");
  }

  public ServerState state() {
    return state;
  }

  public StatsStore stats() {
    return stats;
  }

  /** The admin server's port, or -1 when the bootstrap has no admin. */
  public int adminPort() {
    AdminServer a = admin;
    return a == null ? -1 : a.port();
  }

  /** The port a listener is bound to, or -1. */
  public int listenerPort(String name) {
    return listeners.boundPort(name);
  }

  /** Blocks until the proxy has stopped (after {@link #close()} or {@code /quitquitquit}). */
  public void awaitStopped() throws InterruptedException {
    stopped.await();
  }

  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops accepting, closes connections and stops every thread the proxy started. Idempotent. */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    state.markShuttingDown();
    stats.gauge("server.live").set(0);
    try {
      AdsClient a = ads;
      if (a != null) {
        a.close();
      }
      listeners.close();
      upstream.close();
      AdminServer ad = admin;
      if (ad != null) {
        ad.close();
      }
      xdsExecutor.shutdownNow();
      transport.close();
    } finally {
      stopped.countDown();
    }
  }

  private void requestShutdown() {
    Thread t = new Thread(this::close, "trellis-shutdown");
    t.setDaemon(false);
    t.start();
  }

  // ---- seams ----

  /** Sequenced configuration into the two runtimes; runs on the xDS executor. */
  private final class RuntimeTargets implements ConfigTargets {
    @Override
    public void applyClusters(Collection<ClusterConfig> clusters) {
      upstream.applyClusters(clusters);
    }

    @Override
    public void applyEndpoints(Map<String, EndpointsConfig> endpointsByEdsName) {
      upstream.applyEndpoints(endpointsByEdsName);
    }

    @Override
    public void applyRouteConfigs(Map<String, RouteConfig> routesByName) {
      listeners.applyRouteConfigs(routesByName);
    }

    @Override
    public void applyListeners(Collection<ListenerConfig> configs) {
      try {
        listeners.applyListeners(configs);
      } catch (RuntimeException e) {
        // Compilation (nothing changed) or binding (that listener kept its old state) failed: the
        // sequencer reports it and the update is NACKed.
        stats.counter("listener_manager.listener_create_failure").inc();
        throw e;
      } catch (Exception e) {
        // Netty rethrows a failed bind's IOException without declaring it, and without the listener's
        // name: name the listeners this update had to bind.
        stats.counter("listener_manager.listener_create_failure").inc();
        Map<String, ListenerConfig> running = listeners.configs();
        List<String> binding =
            configs.stream()
                .filter(c -> !c.equals(running.get(c.name())))
                .map(c -> c.name() + " (" + c.address() + ":" + c.port() + ")")
                .toList();
        throw new IllegalStateException("binding listeners " + binding + " failed: " + e, e);
      }
    }

    @Override
    public void subscribeEndpoints(Set<String> edsNames) {
      AdsClient a = ads;
      if (a != null) {
        a.subscribe(ClusterLoadAssignmentResource.INSTANCE, edsNames);
      }
    }

    @Override
    public void subscribeRoutes(Set<String> routeNames) {
      AdsClient a = ads;
      if (a != null) {
        a.subscribe(RouteConfigurationResource.INSTANCE, routeNames);
      }
    }

    @Override
    public void subscribeVirtualHosts(Set<String> routeNames) {
      AdsClient a = ads;
      // Only delta streams carry VHDS; on state of the world a vhds route configuration is NACKed first.
      if (a != null && deltaAds()) {
        a.subscribe(VirtualHostResource.INSTANCE, routeNames);
      }
    }
  }

  /** ADS updates into the sequencer, with Envoy's update counters and one log line per NACK. */
  private final class AdsUpdates implements AdsClient.Listener {
    @Override
    public List<String> onUpdate(XdsResourceType<?, ?> type, String version, Map<String, ResourceEntry<?>> resources) {
      List<String> failures = List.of();
      switch (type.shortName()) {
        case "CDS" -> sequencer.onClusters(version, values(resources, ClusterConfig.class));
        case "EDS" -> sequencer.onEndpoints(version, values(resources, EndpointsConfig.class));
        case "LDS" -> failures = sequencer.onListeners(version, values(resources, ListenerConfig.class));
        case "RDS" -> {
          Map<String, RouteConfig> routes = values(resources, RouteConfig.class);
          failures = deltaAds() ? List.of() : vhdsOnStateOfTheWorld(routes);
          if (failures.isEmpty()) {
            failures = sequencer.onRoutes(version, routes);
          }
        }
        case "VHDS" -> failures = sequencer.onVirtualHosts(version, values(resources, VirtualHostConfig.class));
        case "SDS" -> failures = listeners.applySecrets(values(resources, io.trellis.proxy.tls.Secret.class));
        default -> throw new IllegalStateException("unexpected type " + type.typeUrl());
      }
      if (failures.isEmpty()) {
        stats.counter(statPrefix(type) + ".update_success").inc();
        stats.counter(statPrefix(type) + ".update_attempt").inc();
      }
      return failures;
    }

    /** A route configuration with vhds cannot be completed on a state-of-the-world stream: NACK it. */
    private static List<String> vhdsOnStateOfTheWorld(Map<String, RouteConfig> routes) {
      List<String> errors = new ArrayList<>();
      new java.util.TreeMap<>(routes).forEach((name, config) -> {
        if (config.vhds()) {
          errors.add("RouteConfiguration [" + name + "] vhds: " + VirtualHostResource.DELTA_ONLY);
        }
      });
      return errors;
    }

    @Override
    public void onRejected(XdsResourceType<?, ?> type, RejectedUpdate rejection) {
      if (type == VirtualHostResource.INSTANCE) {
        sequencer.onVirtualHostsRejected();
      }
      stats.counter(statPrefix(type) + ".update_rejected").inc();
      stats.counter(statPrefix(type) + ".update_attempt").inc();
      options.configLog().accept("NACKed " + type.shortName() + " version " + rejection.version() + ": " + rejection.details());
    }

    @Override
    public void onConnected(boolean connected) {
      stats.gauge("control_plane.connected_state").set(connected ? 1 : 0);
      if (!connected) {
        options.configLog().accept("ADS stream to the control plane lost; reconnecting with back-off");
      }
    }

    private static <T> Map<String, T> values(Map<String, ResourceEntry<?>> entries, Class<T> type) {
      Map<String, T> out = new LinkedHashMap<>();
      entries.forEach((name, entry) -> out.put(name, type.cast(entry.value())));
      return out;
    }

    /** Envoy's stat scopes for each subscription. */
    private static String statPrefix(XdsResourceType<?, ?> type) {
      return switch (type.shortName()) {
        case "CDS" -> "cluster_manager.cds";
        case "LDS" -> "listener_manager.lds";
        case "EDS" -> "cluster_manager.eds";
        case "SDS" -> "sds";
        case "VHDS" -> "http.vhds";
        default -> "http.rds";
      };
    }
  }

  /** The proxy as the admin server sees it. */
  private final class Admin implements AdminTarget {
    @Override
    public Node node() {
      return bootstrap.getNode();
    }

    @Override
    public String version() {
      return "trellis/" + options.version();
    }

    @Override
    public ConfigDump configDump() {
      AdsClient a = ads;
      ConfigDumps.Dynamic dynamic =
          a == null
              ? new ConfigDumps.Dynamic(TypeState.EMPTY, Set.of(), TypeState.EMPTY, TypeState.EMPTY, TypeState.EMPTY, TypeState.EMPTY)
              : new ConfigDumps.Dynamic(
                  a.state(ClusterResource.INSTANCE),
                  sequencer.warmingClusters(),
                  a.state(ListenerResource.INSTANCE),
                  a.state(RouteConfigurationResource.INSTANCE),
                  a.state(ClusterLoadAssignmentResource.INSTANCE),
                  deltaAds() ? a.state(VirtualHostResource.INSTANCE) : TypeState.EMPTY);
      // Secrets last, as in Envoy's dump; private keys redacted everywhere (bootstrap, listeners, clusters).
      return SensitiveFields.redact(ConfigDumps.build(bootstrap, loaded, dynamic).toBuilder()
          .addConfigs(com.google.protobuf.Any.pack(SecretDumps.build(
              bootstrap.getStaticResources().getSecretsList(), loaded,
              a == null ? TypeState.EMPTY : a.state(SecretResource.INSTANCE), listeners.secretNames())))
          .build());
    }

    @Override
    public List<ClusterStatus> clusters() {
      List<ClusterStatus> out = new ArrayList<>();
      for (var view : upstream.clusters()) {
        List<ClusterStatus.HostStatus> hosts = new ArrayList<>();
        for (var h : view.hosts()) {
          Map<String, Long> counters = new LinkedHashMap<>();
          counters.put("cx_active", h.cxActive());
          counters.put("rq_active", h.rqActive());
          counters.put("rq_total", h.rqTotal());
          counters.put("rq_success", h.rqSuccess());
          counters.put("rq_error", h.rqError());
          hosts.add(
              new ClusterStatus.HostStatus(
                  h.address().getAddress().getHostAddress() + ":" + h.address().getPort(),
                  h.healthy(),
                  h.weight(),
                  h.locality().zone(),
                  counters));
        }
        out.add(new ClusterStatus(view.name(), !staticClusterNames.contains(view.name()), hosts));
      }
      return out;
    }

    @Override
    public List<ListenerStatus> listeners() {
      List<ListenerStatus> out = new ArrayList<>();
      listeners.configs().values().forEach(l -> out.add(new ListenerStatus(l.name(), l.address() + ":" + listeners.boundPort(l.name()))));
      return out;
    }

    @Override
    public void drainListeners() {
      options.configLog().accept("draining every listener (admin /drain_listeners)");
      listeners.drainAll();
    }

    @Override
    public void requestShutdown() {
      options.configLog().accept("stopping (admin /quitquitquit)");
      ProxyServer.this.requestShutdown();
    }
  }

  /** For tests: the ADS client's state of a type. */
  TypeState adsState(XdsResourceType<?, ?> type) {
    AdsClient a = ads;
    return a == null ? TypeState.EMPTY : a.state(type);
  }
}
