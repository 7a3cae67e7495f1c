package io.trellis.proxy.upstream;

import com.google.common.net.InetAddresses;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.HealthStatus;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import io.trellis.proxy.config.cluster.UpstreamProtocolSelection;
import io.trellis.proxy.lb.BalancerSettings;
import io.trellis.proxy.lb.LoadBalancer;
import io.trellis.proxy.lb.LocalityHosts;
import io.trellis.proxy.lb.PriorityLoadBalancer;
import io.trellis.proxy.config.cluster.CircuitBreakers;
import io.trellis.proxy.config.cluster.RoutingPriority;
import io.trellis.proxy.config.cluster.HealthCheck;
import io.trellis.proxy.health.HealthCheckStats;
import io.trellis.proxy.health.GrpcHealthExchange;
import io.trellis.proxy.health.HealthChecker;
import io.trellis.proxy.health.Http2HealthProbe;
import io.trellis.proxy.health.Http2HttpExchange;
import io.trellis.proxy.health.HealthProbe;
import io.trellis.proxy.health.HealthScheduler;
import io.trellis.proxy.health.HttpHealthProbe;
import io.trellis.proxy.health.TcpHealthProbe;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.outlier.HostMonitor;
import io.trellis.proxy.outlier.OutlierDetector;
import io.trellis.proxy.outlier.OutlierStats;
import io.trellis.proxy.stats.StatsStore;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * One cluster at one configuration: its hosts, the balancer over them, and the pools to them.
 *
 * <p>The data path reads two volatile fields (hosts, balancer) and otherwise only touches per-host,
 * per-loop pools; membership changes (EDS, DNS, later health checks and outlier detection) rebuild
 * the balancer under this object's lock and publish it in one write. A reconfigured cluster is a new
 * runtime; the old one drains.
 */
final class ClusterRuntime implements UpstreamCluster {
  private final ClusterConfig config;
  private final ClusterStats stats;
  private final PoolContext poolContext;
  private final RandomGenerator random;
  private final Clock clock;
  private final EventLoop controlLoop;
  private final Runnable onWarm;
  private final UpstreamProtocolSelection selection;
  private volatile List<UpstreamHost> hosts = List.of();
  private volatile LoadBalancer balancer = LoadBalancer.EMPTY;
  private volatile boolean warm;
  private volatile boolean closed;
  private int overprovisioningFactor = EndpointsConfig.DEFAULT_OVERPROVISIONING_FACTOR;
  private final Map<InetSocketAddress, UpstreamHost> originalDestinations = new ConcurrentHashMap<>();
  private ScheduledFuture<?> cleanup;
  private DnsDiscovery dns;
  private final ClusterLimits limits;
  private final PoolContext highPriorityContext;
  private final OutlierDetector outlier;
  private ScheduledFuture<?> outlierTimer;
  private final java.util.concurrent.atomic.AtomicBoolean rebuildQueued = new java.util.concurrent.atomic.AtomicBoolean();
  private final HealthChecker health;
  private boolean waitingForHealth; // guarded by this
  private volatile boolean initialHealthDone;

  ClusterRuntime(ClusterConfig config, Transport transport, StatsStore statsStore, ClusterStats stats,
      RandomGenerator random, Clock clock, EventLoop controlLoop, Runnable onWarm) {
    this.config = config;
    this.stats = stats;
    this.random = random;
    this.clock = clock;
    this.controlLoop = controlLoop;
    this.onWarm = onWarm;
    this.selection = config.protocolOptions().selection();
    PoolSettings settings = PoolSettings.of(config);
    UpstreamTls tls = null;
    if (config.tls() != null) {
      boolean h2 = selection != UpstreamProtocolSelection.HTTP1;
      boolean h1 = selection != UpstreamProtocolSelection.HTTP2;
      tls = UpstreamTls.create(config.tls(), UpstreamTls.alpnFor(config.tls(), h2, h1));
    }
    this.limits = new ClusterLimits(config.circuitBreakers(), statsStore, config.name());
    // Each routing priority has its own pools, counted against its own thresholds (as Envoy does).
    ClusterLimits.PriorityLimits poolLimits = limits.of(RoutingPriority.DEFAULT);
    this.poolContext = new PoolContext(config.name(), settings,
        new UpstreamConnector(transport, settings, config.tcpKeepalive(), tls, stats, poolLimits.connections()), stats,
        poolLimits);
    ClusterLimits.PriorityLimits highLimits = limits.of(RoutingPriority.HIGH);
    this.highPriorityContext = new PoolContext(config.name(), settings,
        new UpstreamConnector(transport, settings, config.tcpKeepalive(), tls, stats, highLimits.connections()), stats,
        highLimits);
    this.outlier = config.outlierDetection() == null || config.type() == DiscoveryType.ORIGINAL_DST ? null
        : new OutlierDetector(config.outlierDetection(), clock, random, new OutlierStats(statsStore, config.name()),
            this::onEjectionChanged);
    if (config.healthChecks().isEmpty() || config.type() == DiscoveryType.ORIGINAL_DST) {
      this.health = null;
    } else {
      HealthCheck hc = config.healthChecks().getFirst();
      EventLoop checkLoop = transport.eventLoops().next();
      int connectTimeout = (int) Math.min(hc.timeout().toMillis(), config.connectTimeout().toMillis());
      HealthProbe probe = switch (hc.protocol()) {
        case HealthCheck.Http http when http.http2() -> new Http2HealthProbe(transport, checkLoop,
            new Http2HttpExchange(http, config.name()), connectTimeout, hc.reuseConnection());
        case HealthCheck.Http http -> new HttpHealthProbe(transport, checkLoop, http, config.name(), connectTimeout,
            hc.reuseConnection());
        case HealthCheck.Grpc grpc -> new Http2HealthProbe(transport, checkLoop,
            new GrpcHealthExchange(grpc, config.name()), connectTimeout, hc.reuseConnection());
        case HealthCheck.Tcp tcp -> new TcpHealthProbe(transport, checkLoop, tcp, connectTimeout);
      };
      this.health = new HealthChecker(hc, probe, HealthScheduler.of(checkLoop), random,
          () -> stats.cxTotal.get() > 0, new HealthCheckStats(statsStore, config.name()),
          new HealthChecker.Listener() {
            @Override
            public void healthChanged(Object owner, boolean healthy) {
              onHealthChanged(owner, healthy);
            }

            @Override
            public void checkPassed(Object owner) {
              HostMonitor m = ((UpstreamHost) owner).outlierMonitor();
              if (m != null) {
                outlier.activeHealthCheckPassed(m);
              }
            }
          });
    }
  }

  /** Called on the health checker's loop: flag the host now, rebuild the balancer on the control loop. */
  private void onHealthChanged(Object owner, boolean healthy) {
    UpstreamHost h = (UpstreamHost) owner;
    if (h.setHealthFlag(HealthFlag.FAILED_ACTIVE_HEALTH_CHECK, !healthy)) {
      scheduleRebuild();
    }
  }

  /** Called under the detector's lock: flag the host now, rebuild the balancer on the control loop. */
  private void onEjectionChanged(HostMonitor monitor, boolean ejected) {
    UpstreamHost h = (UpstreamHost) monitor.owner();
    if (h.setHealthFlag(HealthFlag.FAILED_OUTLIER_CHECK, ejected)) {
      scheduleRebuild();
    }
  }

  /**
   * Health flags changed off the control path: coalesce the rebuilds onto the control loop. Lock-free,
   * since it is called from data-plane and health-check event loops.
   */
  void scheduleRebuild() {
    if (closed || !rebuildQueued.compareAndSet(false, true)) {
      return;
    }
    controlLoop.execute(() -> {
      rebuildQueued.set(false); // flags set from here on queue another rebuild
      if (!closed) {
        rebuildBalancer();
      }
    });
  }

  /** The outlier detector, or {@code null} without outlier detection. */
  OutlierDetector outlierDetector() {
    return outlier;
  }

  /** Starts discovery: static hosts now, DNS on the control loop, ORIGINAL_DST's cleanup timer. */
  void start(io.trellis.proxy.dns.DnsResolver resolver) {
    if (outlier != null) {
      long every = config.outlierDetection().interval().toMillis();
      outlierTimer = controlLoop.scheduleAtFixedRate(outlier::runInterval, every, every, TimeUnit.MILLISECONDS);
    }
    switch (config.type()) {
      case STATIC -> {
        applyAssignment(config.loadAssignment());
      }
      case EDS -> {} // the manager hands endpoints over as they arrive
      case STRICT_DNS, LOGICAL_DNS -> {
        dns = new DnsDiscovery(this, config, resolver, controlLoop);
        dns.start();
      }
      case ORIGINAL_DST -> {
        stats.membershipTotal.set(0);
        stats.membershipHealthy.set(0);
        long every = config.cleanupInterval().toMillis();
        cleanup = controlLoop.scheduleAtFixedRate(this::forgetIdleDestinations, every, every, TimeUnit.MILLISECONDS);
        markWarm();
      }
    }
  }

  ClusterConfig config() {
    return config;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public Host chooseHost(LoadBalancerContext context) {
    if (config.type() == DiscoveryType.ORIGINAL_DST) {
      InetSocketAddress dst = context.originalDestination();
      if (dst == null || closed) {
        return null;
      }
      UpstreamHost h = originalDestinations.get(dst);
      if (h == null) {
        h = originalDestinations.computeIfAbsent(dst, d -> {
          UpstreamHost created = new UpstreamHost(d, "", Host.Locality.NONE, Map.of(), 0, 0, 1, HealthStatus.HEALTHY);
          stats.membershipTotal.inc();
          stats.membershipHealthy.inc();
          return created;
        });
      }
      h.chosenAt(clock.millis());
      return h;
    }
    return balancer.choose(context);
  }

  @Override
  public HttpConnectionPool httpPool(Host host, EventLoop eventLoop, HttpProtocol downstreamProtocol) {
    UpstreamHost h = own(host);
    LoopPools pools = h.pools(eventLoop); // the common case: no allocation, no lock
    if (pools == null) {
      pools = createPools(h, eventLoop, RoutingPriority.DEFAULT);
      if (pools == null) {
        return overflowPool(h, eventLoop, RoutingPriority.DEFAULT);
      }
    }
    return pools.pool(downstreamProtocol);
  }

  @Override
  public HttpConnectionPool httpPool(Host host, EventLoop eventLoop, HttpProtocol downstreamProtocol,
      RoutingPriority priority) {
    if (priority != RoutingPriority.HIGH) {
      return httpPool(host, eventLoop, downstreamProtocol);
    }
    UpstreamHost h = own(host);
    LoopPools pools = h.highPriorityPools(eventLoop);
    if (pools == null) {
      pools = createPools(h, eventLoop, RoutingPriority.HIGH);
      if (pools == null) {
        return overflowPool(h, eventLoop, RoutingPriority.HIGH);
      }
    }
    return pools.pool(downstreamProtocol);
  }

  /** Creates the pools of {@code h} on a loop if max_connection_pools allows; {@code null} when not. */
  private LoopPools createPools(UpstreamHost h, EventLoop eventLoop, RoutingPriority priority) {
    PoolContext ctx = priority == RoutingPriority.HIGH ? highPriorityContext : poolContext;
    ResourceLimit poolLimit = ctx.limits().connectionPools();
    if (!poolLimit.tryAcquire()) {
      return null;
    }
    boolean[] created = new boolean[1];
    java.util.function.Function<EventLoop, LoopPools> factory = loop -> {
      created[0] = true;
      return new LoopPools(loop, h, ctx, selection);
    };
    LoopPools pools = priority == RoutingPriority.HIGH
        ? h.createHighPriorityPools(eventLoop, factory) : h.createPools(eventLoop, factory);
    if (!created[0]) {
      poolLimit.release(); // another thread created them first
    }
    return pools;
  }

  private HttpConnectionPool overflowPool(UpstreamHost h, EventLoop eventLoop, RoutingPriority priority) {
    stats.cxPoolOverflow.inc();
    UpstreamFailure overflow = new UpstreamFailure(UpstreamFailure.Reason.OVERFLOW, "cluster " + name()
        + ": max_connection_pools " + limits.of(priority).connectionPools().max() + " reached (host " + h + ")");
    return () -> eventLoop.newFailedFuture(overflow);
  }

  @Override
  public boolean tryAcquireRetry(RoutingPriority priority) {
    if (limits.of(priority).retries().tryAcquire()) {
      return true;
    }
    stats.rqRetryOverflow.inc();
    return false;
  }

  @Override
  public void releaseRetry(RoutingPriority priority) {
    limits.of(priority).retries().release();
  }

  @Override
  public CircuitBreakers circuitBreakers() {
    return config.circuitBreakers();
  }

  @Override
  public Future<Channel> connectTcp(Host host, EventLoop eventLoop) {
    UpstreamHost h = own(host);
    // max_connections holds for raw TCP too (Envoy's TCP pools); there is no queue to wait in
    if (!poolContext.limits().connections().canAcquire()) {
      stats.cxOverflow.inc();
      return eventLoop.newFailedFuture(new UpstreamFailure(UpstreamFailure.Reason.OVERFLOW, "cluster " + name()
          + ": max_connections " + poolContext.limits().connections().max() + " reached (host " + h + ")"));
    }
    if (!poolContext.hostMayConnect(h)) {
      stats.cxOverflow.inc();
      return eventLoop.newFailedFuture(new UpstreamFailure(UpstreamFailure.Reason.OVERFLOW, "cluster " + name()
          + ": per-host max_connections " + poolContext.limits().perHostMaxConnections() + " reached (host " + h + ")"));
    }
    Future<Channel> f = poolContext.connector().connect(h, eventLoop);
    f.addListener(done -> {
      if (done.isSuccess()) {
        poolContext.reportLocal(h, io.trellis.proxy.outlier.LocalOriginEvent.CONNECT_SUCCESS);
      } else if (done.cause() instanceof UpstreamFailure failure) {
        poolContext.reportFailure(h, failure.reason());
      }
    });
    return f;
  }

  private UpstreamHost own(Host host) {
    if (host instanceof UpstreamHost h) {
      return h;
    }
    throw new IllegalArgumentException("host: " + host + " (expected: a host chosen by cluster " + name() + ")");
  }

  /** Applies a load assignment (STATIC, EDS); every address must be an IP literal. */
  void applyAssignment(EndpointsConfig assignment) {
    List<HostSpec> specs = new ArrayList<>();
    for (LocalityLbEndpoints l : assignment.localities()) {
      for (LbEndpoint e : l.endpoints()) {
        InetSocketAddress address = new InetSocketAddress(InetAddresses.forString(e.address()), e.port());
        specs.add(spec(l, e, address));
      }
    }
    stats.updateAttempt.inc();
    stats.updateSuccess.inc();
    updateMembership(specs, assignment.overprovisioningFactor());
    markWarm();
  }

  static HostSpec spec(LocalityLbEndpoints l, LbEndpoint e, InetSocketAddress address) {
    return new HostSpec(address, e.hostname(), l.locality(), e.lbMetadata(), l.priority(), l.loadBalancingWeight(),
        e.loadBalancingWeight(), e.healthStatus());
  }

  /** Checks that a load assignment can be applied to a cluster that needs IP addresses. */
  static List<String> addressErrors(String where, EndpointsConfig assignment) {
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < assignment.localities().size(); i++) {
      List<LbEndpoint> eps = assignment.localities().get(i).endpoints();
      for (int j = 0; j < eps.size(); j++) {
        if (!InetAddresses.isInetAddress(eps.get(j).address())) {
          errors.add(where + ".endpoints[" + i + "].lb_endpoints[" + j + "].endpoint.address.socket_address.address: '"
              + eps.get(j).address() + "' (expected: an IP address)");
        }
      }
    }
    return errors;
  }

  /**
   * Replaces the membership. Hosts whose identity is unchanged are kept (with their pools and
   * counters) and updated in place; removed hosts drain.
   */
  synchronized boolean updateMembership(List<HostSpec> specs, int overprovisioning) {
    if (closed) {
      return false;
    }
    Map<String, UpstreamHost> previous = new HashMap<>();
    for (UpstreamHost h : hosts) {
      previous.put(key(h), h);
    }
    Map<String, UpstreamHost> next = new LinkedHashMap<>();
    boolean changed = overprovisioning != overprovisioningFactor;
    for (HostSpec s : specs) {
      String key = s.key();
      if (next.containsKey(key)) {
        continue; // the same address twice: Envoy keeps one host
      }
      UpstreamHost h = previous.remove(key);
      if (h != null && s.sameIdentity(h)) {
        changed |= h.update(s.weight(), s.healthStatus());
      } else {
        if (h != null) {
          retire(h);
        }
        h = s.newHost();
        if (health != null) {
          h.setHealthFlag(HealthFlag.FAILED_ACTIVE_HEALTH_CHECK, true); // until its first check passes
        }
        changed = true;
      }
      next.put(key, h);
    }
    for (UpstreamHost gone : previous.values()) {
      retire(gone);
      changed = true;
    }
    overprovisioningFactor = overprovisioning;
    if (!changed && !hosts.isEmpty()) {
      stats.updateNoRebuild.inc();
      return false;
    }
    hosts = List.copyOf(next.values());
    if (outlier != null) {
      List<HostMonitor> monitors = new ArrayList<>(hosts.size());
      for (UpstreamHost h : hosts) {
        if (h.outlierMonitor() == null) {
          h.setOutlierMonitor(outlier.newMonitor(h));
        }
        monitors.add(h.outlierMonitor());
      }
      outlier.setHosts(monitors);
    }
    if (health != null) {
      List<HealthChecker.Target> targets = new ArrayList<>(hosts.size());
      for (UpstreamHost h : hosts) {
        targets.add(new HealthChecker.Target(h, h::address));
      }
      health.setHosts(targets);
    }
    stats.membershipChange.inc();
    rebuildBalancer();
    return true;
  }

  private static String key(UpstreamHost h) {
    InetSocketAddress a = h.address();
    return (a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString()) + ":" + a.getPort();
  }

  /** Rebuilds the balancer from the current hosts and their health; call after any health change. */
  synchronized void rebuildBalancer() {
    Map<String, List<Host>> groups = new LinkedHashMap<>();
    Map<String, UpstreamHost> firstOfGroup = new HashMap<>();
    int healthy = 0;
    List<UpstreamHost> ordered = new ArrayList<>(hosts);
    ordered.sort(java.util.Comparator.comparingInt(UpstreamHost::priority));
    long now = clock.millis();
    for (UpstreamHost h : ordered) {
      // Slow start counts from when a host is first usable: with active health checks, its first pass.
      h.joinedIfFirstUsable(now);
      String g = h.priority() + "/" + h.locality().region() + "/" + h.locality().zone() + "/" + h.locality().subZone();
      groups.computeIfAbsent(g, x -> new ArrayList<>()).add(h);
      firstOfGroup.putIfAbsent(g, h);
      if (h.healthy()) {
        healthy++;
      }
    }
    List<LocalityHosts> localities = new ArrayList<>();
    groups.forEach((g, list) -> {
      UpstreamHost first = firstOfGroup.get(g);
      localities.add(new LocalityHosts(first.priority(), first.locality(), first.localityWeight(), list));
    });
    BalancerSettings settings = new BalancerSettings(config.lbPolicy(), overprovisioningFactor,
        config.healthyPanicThresholdPercent(), config.localityWeightedLb(), config.slowStart(), clock::millis);
    balancer = PriorityLoadBalancer.build(settings, localities, random, stats.lbHealthyPanic::inc);
    stats.membershipTotal.set(hosts.size());
    stats.membershipHealthy.set(healthy);
  }

  /** LOGICAL_DNS: the single host follows the name's first address. */
  ClusterStats stats() {
    return stats;
  }

  synchronized void setLogicalAddress(HostSpec spec) {
    if (closed) {
      return;
    }
    if (hosts.isEmpty()) {
      updateMembership(List.of(spec), overprovisioningFactor);
    } else {
      hosts.getFirst().setAddress(spec.address());
    }
  }

  void markWarm() {
    if (health != null && !initialHealthDone) {
      // As Envoy: a health-checked cluster serves once each of its first hosts has been checked.
      synchronized (this) {
        if (!waitingForHealth) {
          waitingForHealth = true;
          health.whenInitialRoundDone(() -> {
            initialHealthDone = true;
            markWarm();
          });
        }
      }
      return;
    }
    if (!warm) {
      warm = true;
      onWarm.run();
    }
  }

  boolean isWarm() {
    return warm;
  }

  List<UpstreamHost> hosts() {
    return hosts;
  }

  LoadBalancer balancer() {
    return balancer;
  }

  ClusterView view() {
    List<HostView> views = new ArrayList<>();
    List<UpstreamHost> list = config.type() == DiscoveryType.ORIGINAL_DST
        ? new ArrayList<>(originalDestinations.values()) : hosts;
    for (UpstreamHost h : list) {
      views.add(h.view());
    }
    return new ClusterView(config, warm, views);
  }

  private void forgetIdleDestinations() {
    long idleMillis = config.cleanupInterval().toMillis();
    long now = clock.millis();
    originalDestinations.values().removeIf(h -> {
      boolean idle = h.activeRequests() == 0 && now - h.lastChosenMillis() >= idleMillis;
      if (idle) {
        retire(h);
        stats.membershipTotal.dec();
        stats.membershipHealthy.dec();
      }
      return idle;
    });
  }

  /** The cluster was removed or replaced: stop discovery; pools close idle connections now, busy ones when done. */
  /** This version is the one in service: its circuit-breaker gauges are the cluster's. */
  void inService() {
    limits.published(true);
  }

  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    limits.published(false);
    if (dns != null) {
      dns.stop();
    }
    if (cleanup != null) {
      cleanup.cancel(false);
    }
    if (outlierTimer != null) {
      outlierTimer.cancel(false);
    }
    if (outlier != null) {
      outlier.close();
    }
    if (health != null) {
      health.close();
    }
    for (UpstreamHost h : hosts) {
      retire(h);
    }
    originalDestinations.values().forEach(this::retire);
  }

  boolean closed() {
    return closed;
  }

  /** A host leaves this cluster: its pools stop counting toward max_connection_pools, then drain. */
  private void retire(UpstreamHost h) {
    int[] counts = h.poolCounts();
    for (int i = 0; i < counts[0]; i++) {
      poolContext.limits().connectionPools().release();
    }
    for (int i = 0; i < counts[1]; i++) {
      highPriorityContext.limits().connectionPools().release();
    }
    h.drain();
  }

}
