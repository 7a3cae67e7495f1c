package io.trellis.control.push;

import io.trellis.control.xds.PushScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Turns a burst of configuration changes into one push: a push happens once changes have been quiet
 * for {@link #DEFAULT_QUIET} (100 ms), or at the latest {@link #DEFAULT_MAX} (10 s) after the first
 * change of the burst, so a steady trickle of changes cannot starve proxies. The scopes of the
 * changes in a burst are merged ({@link PushScope#merge}), so an endpoint change and a route change
 * in the same window make one full push.
 *
 * <p>Why debounce at all: applying a directory of files or rolling a deployment produces dozens of
 * events within milliseconds; regenerating every proxy's configuration for each would waste the
 * control plane and make proxies churn through intermediate states. Istio debounces the same way
 * (PILOT_DEBOUNCE_AFTER / PILOT_DEBOUNCE_MAX).
 *
 * <p>The sink is called on the scheduler's thread, one call at a time (a flush is only scheduled
 * after the previous one returned, since the window restarts on the next change).
 */
public final class PushDebouncer {
  public static final Duration DEFAULT_QUIET = Duration.ofMillis(100);
  public static final Duration DEFAULT_MAX = Duration.ofSeconds(10);

  private final Duration quiet;
  private final Duration max;
  private final Clock clock;
  private final Scheduler scheduler;
  private final Consumer<PushScope> sink;

  private PushScope pending;
  private Instant firstChange;
  private Instant lastChange;
  private boolean timerArmed;

  public PushDebouncer(Duration quiet, Duration max, Clock clock, Scheduler scheduler, Consumer<PushScope> sink) {
    if (quiet.isNegative() || quiet.isZero()) {
      throw new IllegalArgumentException("debounce quiet period: " + quiet + " (expected: > 0)");
    }
    if (max.compareTo(quiet) < 0) {
      throw new IllegalArgumentException("debounce max: " + max + " (expected: >= quiet period " + quiet + ")");
    }
    this.quiet = quiet;
    this.max = max;
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  /** Records a change; the push it causes happens later, merged with its neighbours. */
  public void submit(PushScope scope) {
    Objects.requireNonNull(scope, "scope");
    synchronized (this) {
      Instant now = clock.instant();
      if (pending == null) {
        pending = scope;
        firstChange = now;
      } else {
        pending = pending.merge(scope);
      }
      lastChange = now;
      if (timerArmed) {
        return;
      }
      timerArmed = true;
    }
    scheduler.schedule(this::check, quiet);
  }

  private void check() {
    PushScope flush;
    Duration wait;
    synchronized (this) {
      Instant now = clock.instant();
      Instant quietAt = lastChange.plus(quiet);
      Instant maxAt = firstChange.plus(max);
      if (!now.isBefore(quietAt) || !now.isBefore(maxAt)) {
        flush = pending;
        pending = null;
        firstChange = null;
        lastChange = null;
        wait = null;
      } else {
        flush = null;
        Instant due = quietAt.isBefore(maxAt) ? quietAt : maxAt;
        wait = Duration.between(now, due);
      }
    }
    if (flush == null) {
      scheduler.schedule(this::check, wait);
      return;
    }
    try {
      sink.accept(flush);
    } finally {
      boolean again;
      synchronized (this) {
        // Changes that arrived during the push start a new window right away.
        again = pending != null;
        timerArmed = again;
      }
      if (again) {
        scheduler.schedule(this::check, quiet);
      }
    }
  }

  /** Whether changes are waiting for a push. */
  public synchronized boolean hasPending() {
    return pending != null;
  }
}
