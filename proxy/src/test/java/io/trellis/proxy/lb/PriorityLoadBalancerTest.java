package io.trellis.proxy.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.Host.Locality;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PriorityLoadBalancerTest {
  private static final BalancerSettings RR = new BalancerSettings(new LbPolicy.RoundRobin(), 140, 50, false);

  private static List<TestHost> hosts(int from, int count) {
    List<TestHost> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      out.add(new TestHost(i));
    }
    return out;
  }

  private static LocalityHosts group(int priority, List<? extends Host> hosts) {
    return new LocalityHosts(priority, Locality.NONE, 0, List.copyOf(hosts));
  }

  private static Map<Host, Integer> count(LoadBalancer lb, int picks) {
    Map<Host, Integer> out = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      out.merge(lb.choose(LoadBalancerContext.NONE), 1, Integer::sum);
    }
    return out;
  }

  @Test
  void weightedRoundRobinGivesExactProportionsSmoothly() {
    List<TestHost> h = hosts(0, 3);
    h.get(0).weight(1);
    h.get(1).weight(2);
    h.get(2).weight(3);
    LoadBalancer lb = PriorityLoadBalancer.build(RR, List.of(group(0, h)), new Random(1), () -> {});
    Map<Host, Integer> c = count(lb, 600);
    assertThat(c).containsEntry(h.get(0), 100).containsEntry(h.get(1), 200).containsEntry(h.get(2), 300);
    // Smooth: in any 6 consecutive picks (one period) the weight-3 host appears exactly 3 times, never 3 in a row.
    List<Host> seq = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      seq.add(lb.choose(LoadBalancerContext.NONE));
    }
    for (int i = 0; i + 2 < seq.size(); i++) {
      assertThat(seq.get(i) == h.get(2) && seq.get(i + 1) == h.get(2) && seq.get(i + 2) == h.get(2)).isFalse();
    }
  }

  @Test
  void equalWeightRoundRobinCyclesThroughEveryHost() {
    List<TestHost> h = hosts(0, 5);
    LoadBalancer lb = PriorityLoadBalancer.build(RR, List.of(group(0, h)), new Random(2), () -> {});
    assertThat(count(lb, 500).values()).containsOnly(100);
  }

  @Test
  void unhealthyHostsGetNoTrafficAboveThePanicThreshold() {
    List<TestHost> h = hosts(0, 10);
    for (int i = 0; i < 4; i++) {
      h.get(i).unhealthy(); // 60% healthy: not in panic
    }
    AtomicInteger panics = new AtomicInteger();
    PriorityLoadBalancer lb = PriorityLoadBalancer.build(RR, List.of(group(0, h)), new Random(3), panics::incrementAndGet);
    Map<Host, Integer> c = count(lb, 600);
    assertThat(c.keySet()).containsExactlyInAnyOrderElementsOf(h.subList(4, 10));
    assertThat(c.values()).containsOnly(100);
    assertThat(panics).hasValue(0);
    assertThat(lb.inPanic(0)).isFalse();
  }

  @Test
  void belowThePanicThresholdEveryHostTakesTraffic() {
    List<TestHost> h = hosts(0, 10);
    for (int i = 0; i < 6; i++) {
      h.get(i).unhealthy(); // 40% healthy < 50%
    }
    AtomicInteger panics = new AtomicInteger();
    PriorityLoadBalancer lb = PriorityLoadBalancer.build(RR, List.of(group(0, h)), new Random(4), panics::incrementAndGet);
    assertThat(lb.inPanic(0)).isTrue();
    assertThat(count(lb, 1000).values()).containsOnly(100);
    assertThat(panics).hasValue(1000);

    PriorityLoadBalancer noPanic = PriorityLoadBalancer.build(
        new BalancerSettings(new LbPolicy.RoundRobin(), 140, 0, false), List.of(group(0, h)), new Random(4), () -> {});
    assertThat(count(noPanic, 400).keySet()).containsExactlyInAnyOrderElementsOf(h.subList(6, 10));
  }

  @Test
  void trafficSpillsToTheNextPriorityByOverprovisionedHealth() {
    List<TestHost> p0 = hosts(0, 10);
    List<TestHost> p1 = hosts(100, 10);
    for (int i = 0; i < 5; i++) {
      p0.get(i).unhealthy(); // 50% healthy × 1.4 = 70% stays at priority 0
    }
    PriorityLoadBalancer lb = PriorityLoadBalancer.build(RR, List.of(group(0, p0), group(1, p1)), new Random(5), () -> {});
    assertThat(lb.priorityLoads()).containsExactly(Map.entry(0, 70), Map.entry(1, 30));
    Map<Host, Integer> c = count(lb, 20000);
    int toP1 = p1.stream().mapToInt(x -> c.getOrDefault(x, 0)).sum();
    assertThat(toP1 / 20000.0).isCloseTo(0.30, within(0.02));
    assertThat(p0.subList(0, 5)).allSatisfy(x -> assertThat(c).doesNotContainKey(x));

    // 8 of 10 healthy: 8 × 1.4 = 112% -> priority 0 takes everything.
    for (int i = 2; i < 5; i++) {
      p0.get(i).healthy = true;
    }
    PriorityLoadBalancer healthier = PriorityLoadBalancer.build(RR, List.of(group(0, p0), group(1, p1)), new Random(5), () -> {});
    assertThat(healthier.priorityLoads()).containsExactly(Map.entry(0, 100), Map.entry(1, 0));
  }

  @Test
  void whenEveryPriorityPanicsTrafficFollowsHostCounts() {
    List<TestHost> p0 = hosts(0, 2);
    List<TestHost> p1 = hosts(100, 6);
    p0.forEach(TestHost::unhealthy);
    p1.forEach(TestHost::unhealthy);
    PriorityLoadBalancer lb = PriorityLoadBalancer.build(RR, List.of(group(0, p0), group(1, p1)), new Random(6), () -> {});
    assertThat(lb.priorityLoads()).containsExactly(Map.entry(0, 25), Map.entry(1, 75));
    assertThat(lb.choose(LoadBalancerContext.NONE)).isNotNull();
  }

  @Test
  void noHostsMeansNoChoice() {
    assertThat(PriorityLoadBalancer.build(RR, List.of(), new Random(7), () -> {}).choose(LoadBalancerContext.NONE)).isNull();
    List<TestHost> h = hosts(0, 3);
    h.forEach(TestHost::unhealthy);
    PriorityLoadBalancer zeroThreshold = PriorityLoadBalancer.build(
        new BalancerSettings(new LbPolicy.RoundRobin(), 140, 0, false), List.of(group(0, h)), new Random(7), () -> {});
    assertThat(zeroThreshold.choose(LoadBalancerContext.NONE)).isNull();
  }

  @Test
  void localityWeightsSplitTrafficBetweenLocalities() {
    Locality a = new Locality("r", "a", "");
    Locality b = new Locality("r", "b", "");
    List<TestHost> ha = List.of(new TestHost(1, a), new TestHost(2, a));
    List<TestHost> hb = List.of(new TestHost(3, b), new TestHost(4, b), new TestHost(5, b), new TestHost(6, b));
    BalancerSettings s = new BalancerSettings(new LbPolicy.RoundRobin(), 140, 50, true);
    LoadBalancer lb = PriorityLoadBalancer.build(s,
        List.of(new LocalityHosts(0, a, 1, List.copyOf(ha)), new LocalityHosts(0, b, 3, List.copyOf(hb))), new Random(8), () -> {});
    Map<Host, Integer> c = count(lb, 4000);
    assertThat(c.get(ha.get(0)) + c.get(ha.get(1))).isEqualTo(1000);
    assertThat(hb.stream().mapToInt(c::get).sum()).isEqualTo(3000);
  }

  @Test
  void excludedHostsAreAvoidedWithinTheAttemptBudget() {
    List<TestHost> h = hosts(0, 3);
    LoadBalancer lb = PriorityLoadBalancer.build(RR, List.of(group(0, h)), new Random(9), () -> {});
    LoadBalancerContext avoid = new LoadBalancerContext(null, Set.of(h.get(0), h.get(1)), 3, null);
    for (int i = 0; i < 30; i++) {
      assertThat(lb.choose(avoid)).isSameAs(h.get(2));
    }
  }

  @Test
  void leastRequestPrefersTheLessLoadedHost() {
    List<TestHost> h = hosts(0, 3);
    h.get(0).active = 50;
    BalancerSettings s = new BalancerSettings(new LbPolicy.LeastRequest(), 140, 50, false);
    LoadBalancer lb = PriorityLoadBalancer.build(s, List.of(group(0, h)), new Random(10), () -> {});
    Map<Host, Integer> c = count(lb, 9000);
    // The loaded host wins only when both draws land on it: 1/9 of picks.
    assertThat(c.get(h.get(0)) / 9000.0).isCloseTo(1 / 9.0, within(0.02));
    assertThat(c.get(h.get(1)) / 9000.0).isCloseTo(4 / 9.0, within(0.02));

    BalancerSettings three = new BalancerSettings(new LbPolicy.LeastRequest(3, 1.0), 140, 50, false);
    h.get(1).active = 5;
    LoadBalancer lb3 = PriorityLoadBalancer.build(three, List.of(group(0, h)), new Random(11), () -> {});
    Map<Host, Integer> c3 = count(lb3, 2000);
    // The idle host wins whenever any of three draws lands on it: 1 - (2/3)^3 = 19/27.
    assertThat(c3.get(h.get(2)) / 2000.0).isCloseTo(19 / 27.0, within(0.03));
    assertThat(c3.getOrDefault(h.get(0), 0)).isLessThan(c3.getOrDefault(h.get(1), 0));
  }

  @Test
  void weightedLeastRequestFollowsWeightsWhenIdleAndLoadWhenBusy() {
    List<TestHost> h = hosts(0, 2);
    h.get(0).weight(1);
    h.get(1).weight(3);
    BalancerSettings s = new BalancerSettings(new LbPolicy.LeastRequest(2, 1.0), 140, 50, false);
    Map<Host, Integer> idle = count(PriorityLoadBalancer.build(s, List.of(group(0, h)), new Random(12), () -> {}), 8000);
    // Candidates are drawn by weight; on a tie the first wins: exactly weighted random.
    assertThat(idle.get(h.get(1)) / 8000.0).isCloseTo(0.75, within(0.02));
    h.get(1).active = 100;
    Map<Host, Integer> busy = count(PriorityLoadBalancer.build(s, List.of(group(0, h)), new Random(12), () -> {}), 8000);
    // The heavy host now wins only when both draws are it: 9/16.
    assertThat(busy.get(h.get(1)) / 8000.0).isCloseTo(9 / 16.0, within(0.02));
  }

  @Test
  void randomIsRoughlyUniform() {
    List<TestHost> h = hosts(0, 4);
    BalancerSettings s = new BalancerSettings(new LbPolicy.Random(), 140, 50, false);
    Map<Host, Integer> c = count(PriorityLoadBalancer.build(s, List.of(group(0, h)), new Random(13), () -> {}), 40000);
    assertThat(c.values()).allSatisfy(v -> assertThat(v / 40000.0).isCloseTo(0.25, within(0.01)));
  }
}
