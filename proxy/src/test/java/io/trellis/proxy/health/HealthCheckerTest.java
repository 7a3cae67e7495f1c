package io.trellis.proxy.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.config.cluster.HealthCheck;
import io.trellis.proxy.stats.StatsStore;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The health-check state machine on fake time with a scripted probe. */
class HealthCheckerTest {
  private final FakeScheduler scheduler = new FakeScheduler();
  private final StatsStore store = new StatsStore();
  private final List<String> events = new ArrayList<>();
  private final List<Long> checkTimes = new ArrayList<>();
  private volatile ProbeOutcome answer = ProbeOutcome.PASS;
  private volatile boolean hang;
  private boolean traffic = true;
  private long jitterDraw;

  private final RandomGenerator random = new RandomGenerator() {
    @Override
    public long nextLong() {
      return jitterDraw;
    }

    @Override
    public long nextLong(long bound) {
      return Math.min(jitterDraw, bound - 1);
    }
  };

  /** Answers at once (on the next scheduler turn) with {@link #answer}, or never while {@link #hang}. */
  private final HealthProbe probe = (target, done) -> {
    checkTimes.add(scheduler.now());
    if (!hang) {
      ProbeOutcome o = answer;
      scheduler.execute(() -> done.accept(o));
    }
    return () -> events.add("cancelled");
  };

  private static final HealthCheck.Protocol HTTP = HealthCheck.Http.path("/healthz");

  private HealthChecker checker(HealthCheck config) {
    HealthChecker c = new HealthChecker(config, probe, scheduler, random, () -> traffic,
        new HealthCheckStats(store, "c"), (owner, healthy) -> events.add(owner + (healthy ? " healthy" : " unhealthy")));
    c.setHosts(List.of(new HealthChecker.Target("h", () -> new InetSocketAddress("127.0.0.1", 1))));
    return c;
  }

  private long counter(String name) {
    return store.counters().getOrDefault("cluster.c.health_check." + name, 0L);
  }

  @Test
  void oneFirstPassMakesHealthyThenAnUnexpectedStatusFailsAtOnceAndThresholdPassesRecover() {
    HealthChecker c = checker(HealthCheck.of(Duration.ofSeconds(1), Duration.ofSeconds(5), 3, 2, HTTP));
    boolean[] warm = new boolean[1];
    c.whenInitialRoundDone(() -> warm[0] = true);
    scheduler.advance(0);
    assertThat(events).containsExactly("h healthy");
    assertThat(warm[0]).isTrue();
    assertThat(store.gauges().get("cluster.c.health_check.healthy")).isEqualTo(1);

    answer = ProbeOutcome.FAIL_ACTIVE; // e.g. a 503: no threshold
    scheduler.advance(5000);
    assertThat(events).containsExactly("h healthy", "h unhealthy");

    answer = ProbeOutcome.PASS;
    scheduler.advance(5000);
    assertThat(events).hasSize(2); // one pass of two
    scheduler.advance(5000);
    assertThat(events).containsExactly("h healthy", "h unhealthy", "h healthy");
    assertThat(counter("attempt")).isEqualTo(4);
    assertThat(counter("success")).isEqualTo(3);
    assertThat(counter("failure")).isEqualTo(1);
  }

  @Test
  void timeoutsCountTowardTheUnhealthyThresholdAndLeaveWithinIntervalTimesThreshold() {
    HealthChecker c = checker(HealthCheck.of(Duration.ofSeconds(1), Duration.ofSeconds(5), 3, 1, HTTP));
    scheduler.advance(0);
    assertThat(events).containsExactly("h healthy");
    hang = true;
    long started = scheduler.now();
    scheduler.advance(5000 + 1000); // first timeout
    scheduler.advance(5000 + 1000); // second
    assertThat(events).containsExactly("h healthy", "cancelled", "cancelled");
    scheduler.advance(5000 + 1000); // third: out
    assertThat(events).containsExactly("h healthy", "cancelled", "cancelled", "cancelled", "h unhealthy");
    assertThat(scheduler.now() - started).isLessThanOrEqualTo(3 * (5000 + 1000));
    assertThat(counter("network_failure")).isEqualTo(3);
    c.close();
    scheduler.advance(60_000);
    assertThat(counter("attempt")).isEqualTo(4); // closed: no more checks
  }

  @Test
  void intervalsFollowHealthTrafficAndJitter() {
    HealthCheck config = HealthCheck.of(Duration.ofSeconds(1), Duration.ofSeconds(10), 1, 1, HTTP)
        .withUnhealthyInterval(Duration.ofSeconds(2))
        .withNoTrafficInterval(Duration.ofSeconds(60))
        .withJitter(Duration.ofMillis(500), Duration.ofMillis(300), 10);
    jitterDraw = 200;
    traffic = false;
    checker(config);
    scheduler.advance(200); // the first check waits its initial jitter
    assertThat(checkTimes).containsExactly(200L);
    // no traffic yet when the first result came: 60 s + 200 ms (interval_jitter) + 200 ms (of 10% of 60 s)
    traffic = true;
    scheduler.advance(60_400);
    assertThat(checkTimes).containsExactly(200L, 60_600L);
    // traffic now: interval 10 s + 200 + 200
    answer = ProbeOutcome.FAIL_ACTIVE;
    scheduler.advance(10_400);
    assertThat(checkTimes).containsExactly(200L, 60_600L, 71_000L);
    // now unhealthy: unhealthy_interval 2 s + 200 + 199 (a draw below 10% of 2 s)
    scheduler.advance(2_400);
    assertThat(checkTimes).containsExactly(200L, 60_600L, 71_000L, 73_399L);
  }

  @Test
  void removedHostsStopBeingChecked() {
    HealthChecker c = checker(HealthCheck.of(Duration.ofSeconds(1), Duration.ofSeconds(5), 1, 1, HTTP));
    scheduler.advance(0);
    c.setHosts(List.of());
    scheduler.advance(60_000);
    assertThat(checkTimes).hasSize(1);
    assertThat(store.gauges().get("cluster.c.health_check.healthy")).isZero();
  }
}
