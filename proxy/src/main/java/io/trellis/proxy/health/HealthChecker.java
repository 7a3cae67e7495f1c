package io.trellis.proxy.health;

import io.trellis.proxy.config.cluster.HealthCheck;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.random.RandomGenerator;

/**
 * Active health checking of one cluster version: one session per host, each a small state machine
 * with Envoy's rules.
 *
 * <ul>
 *   <li>A host starts unhealthy; its first check runs after a random part of {@code initial_jitter},
 *       and one pass makes it healthy (later recoveries need {@code healthy_threshold} passes in a row).
 *   <li>An unexpected HTTP status makes a healthy host unhealthy at once; timeouts, connection failures
 *       and retriable statuses do so after {@code unhealthy_threshold} in a row.
 *   <li>The next check waits {@code interval} for a healthy host, {@code unhealthy_interval} for an
 *       unhealthy one, or {@code no_traffic_interval} while the cluster has never carried traffic, plus
 *       a random part of {@code interval_jitter} and of {@code interval_jitter_percent}.
 * </ul>
 *
 * <p>Every session runs on the scheduler's single thread (an event loop), so no state here is shared;
 * the listener is called there too and must not block.
 */
public final class HealthChecker {
  /** Told when a host's health by this checker changes. */
  public interface Listener {
    void healthChanged(Object owner, boolean healthy);

    /** Every passed check, healthy or not (outlier detection may return an ejected host on it). */
    default void checkPassed(Object owner) {}
  }

  /**
   * A host to check: the cluster's own object for it, and where to reach it now (read at every check,
   * so a LOGICAL_DNS host that moves is checked at its new address).
   */
  public record Target(Object owner, java.util.function.Supplier<InetSocketAddress> address) {}

  private final HealthCheck config;
  private final HealthProbe probe;
  private final HealthScheduler scheduler;
  private final RandomGenerator random;
  private final BooleanSupplier clusterHasTraffic;
  private final HealthCheckStats stats;
  private final Listener listener;
  private final Map<Object, Session> sessions = new HashMap<>(); // scheduler thread only
  private Runnable onInitialRound;
  private boolean closed;

  public HealthChecker(HealthCheck config, HealthProbe probe, HealthScheduler scheduler, RandomGenerator random,
      BooleanSupplier clusterHasTraffic, HealthCheckStats stats, Listener listener) {
    this.config = Objects.requireNonNull(config, "config");
    this.probe = Objects.requireNonNull(probe, "probe");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.random = Objects.requireNonNull(random, "random");
    this.clusterHasTraffic = Objects.requireNonNull(clusterHasTraffic, "clusterHasTraffic");
    this.stats = Objects.requireNonNull(stats, "stats");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Calls {@code callback} once every host known at that time has had its first check (at once when
   * there are none); clusters wait for it before they serve, as Envoy's do.
   */
  public void whenInitialRoundDone(Runnable callback) {
    scheduler.execute(() -> {
      onInitialRound = callback;
      checkInitialRound();
    });
  }

  /** The cluster's hosts now: new ones start being checked, removed ones stop. */
  public void setHosts(List<Target> targets) {
    List<Target> copy = List.copyOf(targets);
    scheduler.execute(() -> {
      if (closed) {
        return;
      }
      Map<Object, Target> wanted = new HashMap<>();
      for (Target t : copy) {
        wanted.put(t.owner(), t);
      }
      for (Session s : new ArrayList<>(sessions.values())) {
        if (!wanted.containsKey(s.target.owner())) {
          s.stop();
          sessions.remove(s.target.owner());
        }
      }
      for (Target t : copy) {
        if (!sessions.containsKey(t.owner())) {
          Session s = new Session(t);
          sessions.put(t.owner(), s);
          s.start();
        }
      }
      checkInitialRound();
    });
  }

  /** Stops every check. */
  public void close() {
    scheduler.execute(() -> {
      closed = true;
      sessions.values().forEach(Session::stop);
      sessions.clear();
      probe.close();
    });
  }

  private void checkInitialRound() {
    if (onInitialRound == null) {
      return;
    }
    for (Session s : sessions.values()) {
      if (s.firstCheck) {
        return;
      }
    }
    Runnable r = onInitialRound;
    onInitialRound = null;
    r.run();
  }

  /** The delay before the next check of a host in this state, with jitter. */
  long nextDelayMillis(boolean healthy) {
    long base;
    if (!clusterHasTraffic.getAsBoolean()) {
      base = config.noTrafficInterval().toMillis();
    } else {
      base = healthy ? config.interval().toMillis() : config.unhealthyInterval().toMillis();
    }
    long percentPart = config.intervalJitterPercent() * base / 100;
    long delay = base;
    if (percentPart > 0) {
      delay += random.nextLong(percentPart);
    }
    long jitter = config.intervalJitter().toMillis();
    if (jitter > 0) {
      delay += random.nextLong(jitter);
    }
    return Math.max(1, delay);
  }

  private final class Session {
    final Target target;
    boolean healthy;
    boolean firstCheck = true;
    int passes;
    int failures;
    Runnable timer;
    Runnable inFlight;
    boolean stopped;
    int generation; // a result of a check cancelled by its timeout is ignored

    Session(Target target) {
      this.target = target;
    }

    void start() {
      long initial = config.initialJitter().toMillis();
      long delay = initial > 0 ? random.nextLong(initial) : 0;
      timer = scheduler.schedule(this::check, delay);
    }

    void check() {
      timer = null;
      if (stopped) {
        return;
      }
      stats.attempt.inc();
      int gen = ++generation;
      timer = scheduler.schedule(() -> {
        timer = null;
        if (gen == generation && inFlight != null) {
          Runnable cancel = inFlight;
          inFlight = null;
          generation++;
          cancel.run();
          done(ProbeOutcome.FAIL_NETWORK);
        }
      }, config.timeout().toMillis());
      inFlight = probe.start(target.address().get(), outcome -> scheduler.execute(() -> {
        if (gen != generation || stopped) {
          return;
        }
        inFlight = null;
        if (timer != null) {
          timer.run(); // cancels the timeout
          timer = null;
        }
        done(outcome);
      }));
    }

    void done(ProbeOutcome outcome) {
      if (stopped) {
        return;
      }
      boolean wasFirst = firstCheck;
      firstCheck = false;
      if (outcome == ProbeOutcome.PASS) {
        stats.success.inc();
        listener.checkPassed(target.owner());
        failures = 0;
        if (!healthy && (wasFirst || ++passes >= config.healthyThreshold())) {
          passes = 0;
          setHealthy(true);
        }
      } else {
        stats.failure.inc();
        if (outcome == ProbeOutcome.FAIL_NETWORK) {
          stats.networkFailure.inc();
        }
        passes = 0;
        if (healthy && (outcome == ProbeOutcome.FAIL_ACTIVE || ++failures >= config.unhealthyThreshold())) {
          failures = 0;
          setHealthy(false);
        }
      }
      if (wasFirst) {
        checkInitialRound();
      }
      if (!stopped) {
        timer = scheduler.schedule(this::check, nextDelayMillis(healthy));
      }
    }

    void setHealthy(boolean value) {
      healthy = value;
      if (value) {
        stats.healthy.inc();
      } else {
        stats.healthy.dec();
      }
      listener.healthChanged(target.owner(), value);
    }

    void stop() {
      stopped = true;
      if (timer != null) {
        timer.run();
        timer = null;
      }
      if (inFlight != null) {
        inFlight.run();
        inFlight = null;
      }
      probe.forget(target.address().get());
      if (healthy) {
        stats.healthy.dec();
      }
    }
  }
}
