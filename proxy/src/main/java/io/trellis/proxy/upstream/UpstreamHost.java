package io.trellis.proxy.upstream;

import io.netty.channel.EventLoop;
import io.trellis.proxy.config.cluster.HealthStatus;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A host of one cluster, with what the data path needs beside its identity: health flags, weight, the
 * active-request count least-request balancing reads, per-host counters for the admin page, and its
 * connection pools per event loop. A host keeps its identity (and pools and counters) across
 * membership updates that keep its address; weight and health are updated in place.
 */
public final class UpstreamHost implements Host {
  private volatile InetSocketAddress address;
  private final String hostname;
  private final Locality locality;
  private final Map<String, String> lbMetadata;
  private final int priority;
  private final int localityWeight;
  private volatile int weight;
  private volatile HealthStatus edsHealthStatus;
  private final AtomicInteger healthFlags = new AtomicInteger();
  private final AtomicInteger activeRequests = new AtomicInteger();
  private final Map<EventLoop, LoopPools> pools = new ConcurrentHashMap<>();
  /** Pools for requests of routing priority HIGH: Envoy keeps them apart so they count against HIGH's breakers. */
  private final Map<EventLoop, LoopPools> highPriorityPools = new ConcurrentHashMap<>();
  private volatile boolean draining;
  private volatile long lastChosenMillis;
  /** When the host was first usable in its cluster; {@link Long#MIN_VALUE} until then. */
  private volatile long joinedMillis = Long.MIN_VALUE;
  private volatile io.trellis.proxy.outlier.HostMonitor outlierMonitor;

  final LongAdder rqTotal = new LongAdder();
  final LongAdder rqSuccess = new LongAdder();
  final LongAdder rqError = new LongAdder();
  final AtomicInteger cxActive = new AtomicInteger();

  UpstreamHost(InetSocketAddress address, String hostname, Locality locality, Map<String, String> lbMetadata,
      int priority, int localityWeight, int weight, HealthStatus edsHealthStatus) {
    this.address = address;
    this.hostname = hostname;
    this.locality = locality;
    this.lbMetadata = Map.copyOf(lbMetadata);
    this.priority = priority;
    this.localityWeight = localityWeight;
    this.weight = weight;
    setEdsHealthStatus(edsHealthStatus);
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  /** LOGICAL_DNS: new connections go to the hostname's latest address; open ones stay where they are. */
  void setAddress(InetSocketAddress value) {
    address = value;
  }

  @Override
  public String hostname() {
    return hostname;
  }

  @Override
  public Locality locality() {
    return locality;
  }

  @Override
  public Map<String, String> lbMetadata() {
    return lbMetadata;
  }

  @Override
  public boolean healthy() {
    return healthFlags.get() == 0;
  }

  @Override
  public int weight() {
    return weight;
  }

  @Override
  public int activeRequests() {
    return activeRequests.get();
  }

  public int priority() {
    return priority;
  }

  public int localityWeight() {
    return localityWeight;
  }

  public HealthStatus edsHealthStatus() {
    return edsHealthStatus;
  }

  /** Every health flag set now. */
  public java.util.Set<HealthFlag> healthFlags() {
    java.util.EnumSet<HealthFlag> out = java.util.EnumSet.noneOf(HealthFlag.class);
    int bits = healthFlags.get();
    for (HealthFlag f : HealthFlag.values()) {
      if ((bits & f.bit()) != 0) {
        out.add(f);
      }
    }
    return out;
  }

  /** Whether {@code flag} is set. */
  public boolean hasHealthFlag(HealthFlag flag) {
    return (healthFlags.get() & flag.bit()) != 0;
  }

  /**
   * Sets or clears one health flag; returns whether the host's health changed as a result, in which
   * case the owner must rebuild its load balancer.
   */
  public boolean setHealthFlag(HealthFlag flag, boolean set) {
    int before;
    int after;
    do {
      before = healthFlags.get();
      after = set ? before | flag.bit() : before & ~flag.bit();
    } while (!healthFlags.compareAndSet(before, after));
    return (before == 0) != (after == 0);
  }

  /** Applies an EDS update of this host's weight and health; returns whether balancing must be rebuilt. */
  boolean update(int newWeight, HealthStatus status) {
    boolean changed = newWeight != weight || status != edsHealthStatus;
    weight = newWeight;
    setEdsHealthStatus(status);
    return changed;
  }

  private void setEdsHealthStatus(HealthStatus status) {
    edsHealthStatus = status;
    setHealthFlag(HealthFlag.FAILED_EDS_HEALTH, status != HealthStatus.DEGRADED && !status.servesTraffic());
    setHealthFlag(HealthFlag.DEGRADED_EDS_HEALTH, status == HealthStatus.DEGRADED);
  }

  /** The pools of this host on {@code loop}, or {@code null} before their first use. */
  LoopPools pools(EventLoop loop) {
    return pools.get(loop);
  }

  /** The HIGH-priority pools of this host on {@code loop}, or {@code null} before their first use. */
  LoopPools highPriorityPools(EventLoop loop) {
    return highPriorityPools.get(loop);
  }

  LoopPools createHighPriorityPools(EventLoop loop, java.util.function.Function<EventLoop, LoopPools> factory) {
    return highPriorityPools.computeIfAbsent(loop, factory);
  }

  /** How many pools of each priority exist: {DEFAULT, HIGH}. */
  int[] poolCounts() {
    return new int[] {pools.size(), highPriorityPools.size()};
  }

  /** The pools of this host on {@code loop}, created now if needed. */
  LoopPools createPools(EventLoop loop, java.util.function.Function<EventLoop, LoopPools> factory) {
    return pools.computeIfAbsent(loop, factory);
  }

  void forEachPools(Consumer<LoopPools> action) {
    pools.values().forEach(action);
    highPriorityPools.values().forEach(action);
  }

  /** The host left its cluster: its pools close idle connections now and busy ones when they finish. */
  void drain() {
    draining = true;
    pools.values().forEach(p -> p.loop().execute(p::drain));
    highPriorityPools.values().forEach(p -> p.loop().execute(p::drain));
  }

  boolean draining() {
    return draining;
  }

  void streamStarted() {
    activeRequests.incrementAndGet();
    rqTotal.increment();
  }

  void streamEnded(boolean success) {
    activeRequests.decrementAndGet();
    (success ? rqSuccess : rqError).increment();
  }

  /** The host's outlier-detection monitor, or {@code null} when its cluster has no outlier detection. */
  io.trellis.proxy.outlier.HostMonitor outlierMonitor() {
    return outlierMonitor;
  }

  void setOutlierMonitor(io.trellis.proxy.outlier.HostMonitor monitor) {
    outlierMonitor = monitor;
  }

  /** ORIGINAL_DST: when the balancer last handed this host out, by the cluster manager's clock. */
  @Override
  public long joinedMillis() {
    return joinedMillis;
  }

  /** Marks the host as having joined at {@code millis} the first time it is usable; later calls keep that time. */
  void joinedIfFirstUsable(long millis) {
    if (joinedMillis == Long.MIN_VALUE && healthy()) {
      joinedMillis = millis;
    }
  }

  void chosenAt(long millis) {
    lastChosenMillis = millis;
  }

  long lastChosenMillis() {
    return lastChosenMillis;
  }

  /** A read-only view for the admin page. */
  public HostView view() {
    return new HostView(address, hostname, locality, priority, weight, edsHealthStatus, healthy(),
        rqTotal.sum(), rqSuccess.sum(), rqError.sum(), cxActive.get(), activeRequests.get(), healthFlags());
  }

  @Override
  public String toString() {
    return address.getHostString() + ":" + address.getPort();
  }
}
