package io.trellis.proxy.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.config.cluster.SlowStart;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.Host.Locality;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Envoy's slow start: a new host's weight ramps over the window, by time since it joined. */
class SlowStartTest {
  private static final SlowStart TEN_SECONDS = new SlowStart(Duration.ofSeconds(10), 1.0, 10.0);

  @Test
  void theFactorRampsLinearlyFromTheMinimumToFullWeight() {
    assertThat(TEN_SECONDS.factor(0)).isEqualTo(0.1); // max(1 s, t) / 10 s = 0.1, also the minimum
    assertThat(TEN_SECONDS.factor(5_000)).isCloseTo(0.5, within(1e-9));
    assertThat(TEN_SECONDS.factor(9_999)).isCloseTo(0.9999, within(1e-9));
    assertThat(TEN_SECONDS.factor(10_000)).isEqualTo(1.0);
    assertThat(TEN_SECONDS.factor(60_000)).isEqualTo(1.0);
  }

  @Test
  void aggressionAndTheMinimumShapeTheRamp() {
    SlowStart fast = new SlowStart(Duration.ofSeconds(10), 2.0, 10.0);
    assertThat(fast.factor(2_500)).isCloseTo(0.5, within(1e-9)); // 0.25 ^ (1/2)
    SlowStart floor = new SlowStart(Duration.ofSeconds(10), 1.0, 30.0);
    assertThat(floor.factor(1_000)).isCloseTo(0.3, within(1e-9));
    assertThat(floor.factor(5_000)).isCloseTo(0.5, within(1e-9));
  }

  @Test
  void invalidSettingsAreRejectedWithTheField() {
    assertThatThrownBy(() -> new SlowStart(Duration.ZERO, 1, 10)).hasMessageContaining("slow_start_window");
    assertThatThrownBy(() -> new SlowStart(Duration.ofSeconds(1), 0, 10)).hasMessageContaining("aggression");
    assertThatThrownBy(() -> new SlowStart(Duration.ofSeconds(1), 1, 101)).hasMessageContaining("min_weight_percent");
  }

  private static double newHostShare(LbPolicy policy, AtomicLong now, TestHost old, TestHost fresh, int picks) {
    BalancerSettings s = new BalancerSettings(policy, 140, 50, false, TEN_SECONDS, now::get);
    LoadBalancer lb =
        PriorityLoadBalancer.build(s, List.of(new LocalityHosts(0, Locality.NONE, 0, List.<Host>of(old, fresh))), new Random(5), () -> {});
    int toFresh = 0;
    for (int i = 0; i < picks; i++) {
      if (lb.choose(LoadBalancerContext.NONE) == fresh) {
        toFresh++;
      }
    }
    return toFresh / (double) picks;
  }

  @Test
  void aNewHostGetsItsRampedShareOfRoundRobinAndThenItsFullShare() {
    AtomicLong now = new AtomicLong(1_000_000);
    TestHost old = new TestHost(1).joined(0);
    TestHost fresh = new TestHost(2).joined(1_000_000);
    LbPolicy rr = new LbPolicy.RoundRobin();
    // weights 1 and 0.1: the new host gets 1/11 of the picks
    assertThat(newHostShare(rr, now, old, fresh, 20_000)).isCloseTo(1 / 11.0, within(0.01));
    now.set(1_005_000); // half way: 1 and 0.5
    assertThat(newHostShare(rr, now, old, fresh, 20_000)).isCloseTo(1 / 3.0, within(0.015));
    now.set(1_010_000); // out of the window: plain round robin, exactly alternating
    assertThat(newHostShare(rr, now, old, fresh, 20_000)).isEqualTo(0.5);
  }

  @Test
  void leastRequestRampsTooAndStillPrefersTheLessLoadedCandidate() {
    AtomicLong now = new AtomicLong(1_000_000);
    TestHost old = new TestHost(1).joined(0);
    TestHost fresh = new TestHost(2).joined(1_000_000);
    // equal load: the first of the two weighted draws is kept on a tie, so the ramped weights decide
    double share = newHostShare(new LbPolicy.LeastRequest(), now, old, fresh, 20_000);
    assertThat(share).isCloseTo(1 / 11.0, within(0.01));
    old.active = 10; // the old host is busy: any draw of the new host wins
    double busy = newHostShare(new LbPolicy.LeastRequest(), now, old, fresh, 20_000);
    assertThat(busy).isCloseTo(1 - (10 / 11.0) * (10 / 11.0), within(0.01));
  }

  @Test
  void withoutSlowStartOrOnceEveryHostIsSettledThePolicysOwnPickerIsUsed() {
    TestHost a = new TestHost(1).joined(0);
    TestHost b = new TestHost(2).joined(0);
    HostPicker plain = HostPicker.create(new LbPolicy.RoundRobin(), List.of(a, b), new Random(1));
    BalancerSettings settled = new BalancerSettings(new LbPolicy.RoundRobin(), 140, 50, false, TEN_SECONDS, () -> 60_000);
    assertThat(HostPicker.create(settled, List.of(a, b), new Random(1))).isNotInstanceOf(SlowStartPicker.class);
    BalancerSettings ramping = new BalancerSettings(new LbPolicy.RoundRobin(), 140, 50, false, TEN_SECONDS, () -> 5_000);
    assertThat(HostPicker.create(ramping, List.of(a, b), new Random(1))).isInstanceOf(SlowStartPicker.class);
    BalancerSettings ring = new BalancerSettings(new LbPolicy.RingHash(), 140, 50, false, TEN_SECONDS, () -> 5_000);
    assertThat(HostPicker.create(ring, List.of(a, b), new Random(1))).isNotInstanceOf(SlowStartPicker.class);
    assertThat(plain).isNotInstanceOf(SlowStartPicker.class);
  }
}
