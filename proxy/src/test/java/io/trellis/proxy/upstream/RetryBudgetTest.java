package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.proxy.config.cluster.CircuitBreakers;
import io.trellis.proxy.config.cluster.CircuitBreakers.RetryBudget;
import io.trellis.proxy.config.cluster.CircuitBreakers.Thresholds;
import io.trellis.proxy.config.cluster.RoutingPriority;
import io.trellis.proxy.stats.StatsStore;
import org.junit.jupiter.api.Test;

/** The retry budget as a circuit breaker, with request counts set by hand: the limit follows them. */
class RetryBudgetTest {
  private final StatsStore stats = new StatsStore();

  private ClusterLimits.PriorityLimits limits(RetryBudget budget, long maxRetries) {
    Thresholds t = new Thresholds(1024, 1024, 1024, maxRetries, Thresholds.UNLIMITED, true, budget);
    ClusterLimits all = new ClusterLimits(new CircuitBreakers(t, Thresholds.DEFAULT), stats, "c");
    all.published(true);
    return all.of(RoutingPriority.DEFAULT);
  }

  private static int takeAll(ResourceLimit retries) {
    int n = 0;
    while (retries.tryAcquire()) {
      n++;
    }
    return n;
  }

  private static void times(int n, Runnable r) {
    for (int i = 0; i < n; i++) {
      r.run();
    }
  }

  @Test
  void defaultBudgetIsTwentyPercentOfActivePlusPendingButNeverBelowThree() {
    ClusterLimits.PriorityLimits l = limits(RetryBudget.DEFAULT, 1);
    assertThat(l.retries().max()).isEqualTo(3); // idle cluster: min_retry_concurrency
    times(15, l.requests()::acquire);
    assertThat(l.retries().max()).isEqualTo(3); // 20% of 15 = 3
    times(5, l.requests()::acquire);
    times(5, l.pendingRequests()::acquire);
    assertThat(l.retries().max()).isEqualTo(5); // 20% of (20 active + 5 pending)
    assertThat(takeAll(l.retries())).isEqualTo(5); // max_retries (1) no longer applies
    assertThat(stats.gauges().get("cluster.c.circuit_breakers.default.rq_retry_open")).isEqualTo(1);
    // as in Envoy, remaining_retries says nothing under a budget
    assertThat(stats.gauges().get("cluster.c.circuit_breakers.default.remaining_retries")).isZero();
  }

  @Test
  void theLimitFollowsTheTrafficDownAndUp() {
    ClusterLimits.PriorityLimits l = limits(new RetryBudget(50, 1), 3);
    times(8, l.requests()::acquire);
    assertThat(takeAll(l.retries())).isEqualTo(4); // 50% of 8
    times(6, l.requests()::release); // 2 active: budget 1, and 4 retries already run
    assertThat(l.retries().canAcquire()).isFalse();
    times(3, l.retries()::release);
    assertThat(l.retries().count()).isEqualTo(1);
    assertThat(l.retries().canAcquire()).isFalse(); // still at max(1, 50% of 2)
    l.retries().release();
    assertThat(takeAll(l.retries())).isEqualTo(1);
    times(3, l.requests()::acquire); // 5 active: 2.5 truncates to 2
    assertThat(l.retries().max()).isEqualTo(2);
    assertThat(takeAll(l.retries())).isEqualTo(1);
  }

  @Test
  void zeroPercentLeavesOnlyTheMinimum() {
    ClusterLimits.PriorityLimits l = limits(new RetryBudget(0, 2), 3);
    times(100, l.requests()::acquire);
    assertThat(takeAll(l.retries())).isEqualTo(2);
  }

  @Test
  void withoutABudgetMaxRetriesHolds() {
    ClusterLimits.PriorityLimits l = limits(null, 2);
    times(100, l.requests()::acquire);
    assertThat(takeAll(l.retries())).isEqualTo(2);
    assertThat(stats.gauges().get("cluster.c.circuit_breakers.default.remaining_retries")).isZero();
    l.retries().release();
    assertThat(stats.gauges().get("cluster.c.circuit_breakers.default.remaining_retries")).isEqualTo(1);
  }

  @Test
  void invalidBudgetsNameTheirField() {
    assertThatThrownBy(() -> new RetryBudget(120, 3)).hasMessage("budget_percent: 120.0 (expected: 0..100)");
    assertThatThrownBy(() -> new RetryBudget(Double.NaN, 3)).hasMessage("budget_percent: NaN (expected: 0..100)");
    assertThatThrownBy(() -> new RetryBudget(20, -1)).hasMessage("min_retry_concurrency: -1 (expected: 0..4294967295)");
  }
}
