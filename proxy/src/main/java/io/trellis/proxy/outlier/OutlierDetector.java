package io.trellis.proxy.outlier;

import io.trellis.proxy.config.cluster.OutlierDetection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Outlier detection for one cluster version, with Envoy's rules.
 *
 * <ul>
 *   <li>Consecutive errors (5xx, gateway failures, local-origin failures) are detected the moment the
 *       count reaches its threshold; the counter restarts then, so a host that keeps failing is
 *       detected again after as many more errors.
 *   <li>A detected host is ejected with probability {@code enforcing_*}% (from the injected random
 *       source), if ejecting it keeps the ejected share at or below {@code max_ejection_percent} (or it
 *       would be the only one and {@code always_eject_one_host} is set); otherwise
 *       {@code ejections_overflow} counts it.
 *   <li>Each {@link #runInterval()} (every {@code interval}) first returns hosts whose ejection time —
 *       {@code base_ejection_time} × their ejection count, at most {@code max(max_ejection_time,
 *       base_ejection_time)} — has passed, lowers the count of hosts that stayed in service for a
 *       further base ejection time, then judges success rate and failure percentage over the interval's
 *       requests.
 * </ul>
 *
 * <p>Time comes from the injected clock and the interval from whoever calls {@link #runInterval()},
 * so tests run on fake time. The listener is called under this detector's lock and must not block.
 */
public final class OutlierDetector {
  /** Told when a host is ejected ({@code true}) or returns ({@code false}). */
  public interface Listener {
    void ejectionChanged(HostMonitor host, boolean ejected);
  }

  private final OutlierDetection config;
  private final Clock clock;
  private final RandomGenerator random;
  private final OutlierStats stats;
  private final Listener listener;
  private final Set<HostMonitor> hosts = new LinkedHashSet<>(); // guarded by this
  private int ejectedCount; // guarded by this
  private boolean closed; // guarded by this

  public OutlierDetector(OutlierDetection config, Clock clock, RandomGenerator random, OutlierStats stats,
      Listener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  public OutlierDetection config() {
    return config;
  }

  /** A monitor for a new host; it takes part once passed to {@link #setHosts}. */
  public HostMonitor newMonitor(Object owner) {
    return new HostMonitor(this, owner);
  }

  /** The cluster's current hosts. Monitors no longer listed stop counting toward ejection limits. */
  public synchronized void setHosts(Collection<HostMonitor> current) {
    Set<HostMonitor> next = new LinkedHashSet<>(current);
    for (HostMonitor m : hosts) {
      if (!next.contains(m)) {
        m.removed = true;
        if (m.ejected) {
          m.ejected = false;
          ejectedCount--;
          stats.ejectionsActive.dec();
        }
      }
    }
    hosts.clear();
    hosts.addAll(next);
  }

  /** Hosts ejected now. */
  public synchronized int ejectedCount() {
    return ejectedCount;
  }

  /** A monitor crossed a consecutive-error threshold (called from a data-plane thread). */
  synchronized void detected(HostMonitor m, EjectionType type) {
    if (closed || m.removed || !hosts.contains(m)) {
      return;
    }
    stats.ejectionsDetectedTotal.inc();
    stats.detected(type).inc();
    if (m.ejected) {
      return;
    }
    if (random.nextInt(100) < enforcing(type)) {
      eject(m, type);
    }
  }

  private int enforcing(EjectionType type) {
    return switch (type) {
      case CONSECUTIVE_5XX -> config.enforcingConsecutive5xx();
      case CONSECUTIVE_GATEWAY_FAILURE -> config.enforcingConsecutiveGatewayFailure();
      case CONSECUTIVE_LOCAL_ORIGIN_FAILURE -> config.enforcingConsecutiveLocalOriginFailure();
      case SUCCESS_RATE -> config.enforcingSuccessRate();
      case LOCAL_ORIGIN_SUCCESS_RATE -> config.enforcingLocalOriginSuccessRate();
      case FAILURE_PERCENTAGE -> config.enforcingFailurePercentage();
      case LOCAL_ORIGIN_FAILURE_PERCENTAGE -> config.enforcingFailurePercentageLocalOrigin();
    };
  }

  private void eject(HostMonitor m, EjectionType type) {
    double ejectedPercent = 100.0 * (ejectedCount + 1) / hosts.size();
    boolean allowed = ejectedPercent <= config.maxEjectionPercent() || (config.alwaysEjectOneHost() && ejectedCount == 0);
    if (!allowed) {
      stats.ejectionsOverflow.inc();
      return;
    }
    m.ejected = true;
    m.ejectionCount++;
    m.ejectedAtMillis = clock.millis();
    ejectedCount++;
    stats.ejectionsActive.inc();
    stats.ejectionsEnforcedTotal.inc();
    stats.enforced(type).inc();
    listener.ejectionChanged(m, true);
  }

  /** The ejection time of a host ejected {@code count} times. */
  long ejectionMillis(int count) {
    long base = config.baseEjectionTime().toMillis();
    long cap = Math.max(config.maxEjectionTime().toMillis(), base);
    return Math.min(cap, base * Math.max(1, count));
  }

  /** One interval: return hosts whose time is up, then judge success rate and failure percentage. */
  public synchronized void runInterval() {
    if (closed) {
      return;
    }
    long now = clock.millis();
    long base = config.baseEjectionTime().toMillis();
    for (HostMonitor m : hosts) {
      if (m.ejected) {
        if (now - m.ejectedAtMillis >= ejectionMillis(m.ejectionCount)) {
          m.ejected = false;
          m.backSinceMillis = now;
          ejectedCount--;
          stats.ejectionsActive.dec();
          listener.ejectionChanged(m, false);
        }
      } else if (m.ejectionCount > 0 && now - m.backSinceMillis >= base) {
        m.ejectionCount--; // a host that behaves earns its shorter ejections back, one base time at a time
        m.backSinceMillis = now;
      }
    }
    List<Sample> external = new ArrayList<>();
    List<Sample> local = new ArrayList<>();
    for (HostMonitor m : hosts) {
      external.add(new Sample(m, m.externalTotal.sumThenReset(), m.externalSuccess.sumThenReset()));
      local.add(new Sample(m, m.localTotal.sumThenReset(), m.localSuccess.sumThenReset()));
    }
    judgeSuccessRate(external, EjectionType.SUCCESS_RATE);
    judgeFailurePercentage(external, EjectionType.FAILURE_PERCENTAGE);
    if (config.splitExternalLocalOriginErrors()) {
      judgeSuccessRate(local, EjectionType.LOCAL_ORIGIN_SUCCESS_RATE);
      judgeFailurePercentage(local, EjectionType.LOCAL_ORIGIN_FAILURE_PERCENTAGE);
    }
  }

  private record Sample(HostMonitor host, long total, long success) {
    double successPercent() {
      return 100.0 * Math.min(success, total) / total;
    }
  }

  private void judgeSuccessRate(List<Sample> samples, EjectionType type) {
    List<Sample> eligible = samples.stream().filter(s -> s.total() >= config.successRateRequestVolume() && s.total() > 0).toList();
    if (eligible.size() < config.successRateMinimumHosts() || eligible.isEmpty()) {
      return;
    }
    double mean = eligible.stream().mapToDouble(Sample::successPercent).average().orElse(100);
    double variance = eligible.stream().mapToDouble(s -> Math.pow(s.successPercent() - mean, 2)).sum() / eligible.size();
    double threshold = mean - (config.successRateStdevFactor() / 1000.0) * Math.sqrt(variance);
    for (Sample s : eligible) {
      if (s.successPercent() < threshold) {
        detectedAtInterval(s.host(), type);
      }
    }
  }

  private void judgeFailurePercentage(List<Sample> samples, EjectionType type) {
    List<Sample> eligible = samples.stream()
        .filter(s -> s.total() >= config.failurePercentageRequestVolume() && s.total() > 0).toList();
    if (eligible.size() < config.failurePercentageMinimumHosts() || eligible.isEmpty()) {
      return;
    }
    for (Sample s : eligible) {
      if (100.0 - s.successPercent() >= config.failurePercentageThreshold()) {
        detectedAtInterval(s.host(), type);
      }
    }
  }

  private void detectedAtInterval(HostMonitor m, EjectionType type) {
    stats.ejectionsDetectedTotal.inc();
    stats.detected(type).inc();
    if (!m.ejected && random.nextInt(100) < enforcing(type)) {
      eject(m, type);
    }
  }

  /**
   * An active health check of the host passed: with {@code successful_active_health_check_uneject_host}
   * (Envoy's default) an ejected host returns now, its error counts cleared.
   */
  public synchronized void activeHealthCheckPassed(HostMonitor m) {
    if (closed || !config.successfulActiveHealthCheckUnejectHost() || !m.ejected || !hosts.contains(m)) {
      return;
    }
    m.ejected = false;
    m.backSinceMillis = clock.millis();
    m.resetConsecutive();
    ejectedCount--;
    stats.ejectionsActive.dec();
    listener.ejectionChanged(m, false);
  }

  /** The cluster version went away: its ejections stop counting in the shared gauge. */
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stats.ejectionsActive.add(-ejectedCount);
    ejectedCount = 0;
  }
}
