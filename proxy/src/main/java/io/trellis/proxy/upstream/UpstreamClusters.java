package io.trellis.proxy.upstream;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.trellis.proxy.dns.DnsResolver;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.stats.StatsStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The proxy's clusters, driven by CDS and EDS (or a bootstrap's static resources).
 *
 * <p>{@link #applyClusters} takes the whole set of clusters (state of the world): new ones are added,
 * changed ones replaced, missing ones removed; a replaced or removed cluster's pools drain — idle
 * connections close at once, busy ones when their request ends — so requests in flight finish on the
 * configuration they started with. {@link #applyEndpoints} delivers EDS load assignments by service
 * name; they are remembered while an EDS cluster uses the name, so a cluster changed later (or added
 * in the same update, whichever of the two is applied first) starts with them.
 *
 * <p>Warming, as in Envoy: an EDS cluster is warm once it has had endpoints, a DNS cluster once its
 * first lookups finished, STATIC and ORIGINAL_DST at once. {@link #cluster(String)} returns only warm
 * clusters; while a changed cluster warms, its previous version keeps serving. Listeners that
 * reference clusters can wait for them with {@link #isWarm} and {@link #addWarmListener}.
 *
 * <p>Threads: {@code cluster()} is lock-free and safe from every event loop. The {@code apply…}
 * methods are the control path and are serialized. DNS and timers run on a control loop of their
 * own, never on a data-plane loop.
 */
public final class UpstreamClusters implements ClusterManager, AutoCloseable {
  private final Transport transport;
  private final StatsStore stats;
  private final Clock clock;
  private final RandomGenerator random;
  private final MultiThreadIoEventLoopGroup controlGroup;
  private final EventLoop controlLoop;
  private final DnsResolver dns;
  private final Map<String, ClusterRuntime> active = new ConcurrentHashMap<>();
  private final Map<String, ClusterRuntime> warming = new HashMap<>(); // guarded by this
  private final Map<String, EndpointsConfig> endpointsByServiceName = new HashMap<>(); // guarded by this
  private final List<Consumer<String>> warmListeners = new CopyOnWriteArrayList<>();
  private boolean closed;

  /**
   * @param random shared by every balancer; must be safe for concurrent use (for instance
   *     {@code ThreadLocalRandom.current()}, or a seeded {@code java.util.Random} in tests)
   */
  public UpstreamClusters(Transport transport, StatsStore stats, Clock clock, RandomGenerator random) {
    this(transport, stats, clock, random, DnsServerAddressStreamProviders.platformDefault());
  }

  /** As above, with the DNS servers to ask (tests run one on loopback). */
  UpstreamClusters(Transport transport, StatsStore stats, Clock clock, RandomGenerator random,
      DnsServerAddressStreamProvider nameServers) {
    this.transport = Objects.requireNonNull(transport, "transport");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.controlGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("trellis-upstream-control", true),
        NioIoHandler.newFactory());
    this.controlLoop = controlGroup.next();
    this.dns = new DnsResolver(controlLoop, nameServers);
  }

  @Override
  public UpstreamCluster cluster(String name) {
    return active.get(name);
  }

  /**
   * Replaces the set of clusters. Validates everything first: on error nothing changes and the
   * exception lists every problem, one per line, each naming the cluster and field.
   */
  public synchronized void applyClusters(Collection<ClusterConfig> clusters) {
    checkOpen();
    List<String> errors = new ArrayList<>();
    Map<String, ClusterConfig> wanted = new LinkedHashMap<>();
    int i = 0;
    for (ClusterConfig c : clusters) {
      if (wanted.putIfAbsent(c.name(), c) != null) {
        errors.add("clusters[" + i + "]: cluster " + c.name() + ": name: '" + c.name() + "' (expected: unique)");
      }
      if (c.type() == DiscoveryType.STATIC) {
        for (String e : ClusterRuntime.addressErrors("load_assignment", c.loadAssignment())) {
          errors.add("clusters[" + i + "]: cluster " + c.name() + ": " + e);
        }
      }
      i++;
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", errors));
    }
    for (String name : new ArrayList<>(active.keySet())) {
      if (!wanted.containsKey(name)) {
        active.remove(name).close();
      }
    }
    for (String name : new ArrayList<>(warming.keySet())) {
      if (!wanted.containsKey(name)) {
        warming.remove(name).close();
      }
    }
    for (ClusterConfig c : wanted.values()) {
      ClusterRuntime newest = warming.containsKey(c.name()) ? warming.get(c.name()) : active.get(c.name());
      if (newest != null && newest.config().equals(c)) {
        continue;
      }
      ClusterRuntime r = create(c);
      ClusterRuntime replaced = warming.put(c.name(), r);
      if (replaced != null) {
        replaced.close();
      }
      r.start(dns);
      if (c.type() == DiscoveryType.EDS) {
        EndpointsConfig known = endpointsByServiceName.get(c.edsName());
        if (known != null) {
          r.applyAssignment(known);
        }
      }
    }
    // Forget assignments no cluster asks for any more, as Envoy drops an EDS subscription with its cluster.
    Set<String> inUse = new HashSet<>();
    for (ClusterConfig c : wanted.values()) {
      if (c.type() == DiscoveryType.EDS) {
        inUse.add(c.edsName());
      }
    }
    endpointsByServiceName.keySet().retainAll(inUse);
  }

  /**
   * Applies EDS load assignments, keyed by EDS service name (a cluster's {@code eds_service_name}, or
   * its name). Assignments for names no cluster uses yet are kept for when one does. Validates all
   * first: on error nothing changes.
   */
  public synchronized void applyEndpoints(Map<String, EndpointsConfig> byServiceName) {
    checkOpen();
    List<String> errors = new ArrayList<>();
    byServiceName.forEach((name, e) -> errors.addAll(ClusterRuntime.addressErrors("endpoints " + name, e)));
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", errors));
    }
    endpointsByServiceName.putAll(byServiceName);
    Set<ClusterRuntime> runtimes = new HashSet<>(active.values());
    runtimes.addAll(warming.values());
    for (ClusterRuntime r : runtimes) {
      if (r.config().type() == DiscoveryType.EDS) {
        EndpointsConfig e = byServiceName.get(r.config().edsName());
        if (e != null) {
          r.applyAssignment(e);
        }
      }
    }
  }

  private ClusterRuntime create(ClusterConfig c) {
    ClusterRuntime[] self = new ClusterRuntime[1];
    self[0] = new ClusterRuntime(c, transport, stats, new ClusterStats(stats, c.name()), random, clock, controlLoop,
        () -> onWarm(self[0]));
    return self[0];
  }

  /** A runtime became warm: it replaces the version in service (called from any thread, once per runtime). */
  private void onWarm(ClusterRuntime r) {
    synchronized (this) {
      if (closed || warming.get(r.name()) != r) {
        return; // superseded or removed meanwhile
      }
      warming.remove(r.name());
      ClusterRuntime previous = active.put(r.name(), r);
      if (previous != null) {
        previous.close();
      }
      r.inService(); // after the previous version let go of the shared gauges
    }
    for (Consumer<String> l : warmListeners) {
      l.accept(r.name());
    }
  }

  /** Whether a cluster of this name is in service (warm). */
  public boolean isWarm(String name) {
    return active.containsKey(name);
  }

  /** Called with a cluster's name each time a new version of it goes into service. */
  public void addWarmListener(Consumer<String> listener) {
    warmListeners.add(listener);
  }

  /** Every cluster in service, then every cluster still warming, for the admin page. */
  public List<ClusterView> clusters() {
    List<ClusterView> out = new ArrayList<>();
    for (ClusterRuntime r : new java.util.TreeMap<>(active).values()) {
      out.add(r.view());
    }
    synchronized (this) {
      for (ClusterRuntime r : warming.values()) {
        out.add(r.view());
      }
    }
    return out;
  }

  /** The view of one cluster in service, or {@code null}. */
  public ClusterView view(String name) {
    ClusterRuntime r = active.get(name);
    return r == null ? null : r.view();
  }

  /**
   * Tells a cluster that one of its hosts' health flags changed (health checks, outlier detection),
   * so its balancer is rebuilt. Returns false when no such cluster is in service.
   */
  public boolean hostHealthChanged(String clusterName) {
    ClusterRuntime r = active.get(clusterName);
    if (r == null) {
      return false;
    }
    r.rebuildBalancer();
    return true;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("cluster manager: closed");
    }
  }

  /** Drains every cluster and stops DNS and timers. Does not close the transport (it is shared). */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      active.values().forEach(ClusterRuntime::close);
      warming.values().forEach(ClusterRuntime::close);
      active.clear();
      warming.clear();
    }
    dns.close();
    controlGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }
}
