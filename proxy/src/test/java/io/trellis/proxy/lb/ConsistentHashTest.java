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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ConsistentHashTest {
  static List<LbPolicy> policies() {
    return List.of(new LbPolicy.RingHash(), new LbPolicy.Maglev());
  }

  private static LoadBalancer build(LbPolicy policy, List<TestHost> hosts) {
    return PriorityLoadBalancer.build(new BalancerSettings(policy, 140, 50, false),
        List.of(new LocalityHosts(0, Locality.NONE, 0, List.copyOf(hosts))), new Random(1), () -> {});
  }

  private static LoadBalancerContext hash(long h) {
    return new LoadBalancerContext(h, Set.of(), 1, null);
  }

  @ParameterizedTest
  @MethodSource("policies")
  void sameHashSameHostAndRemovingOneOfTenRemapsAboutATenth(LbPolicy policy) {
    List<TestHost> hosts = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      hosts.add(new TestHost(i));
    }
    LoadBalancer before = build(policy, hosts);
    Random keys = new Random(42);
    long[] k = new long[10000];
    Host[] first = new Host[k.length];
    Map<Host, Integer> spread = new HashMap<>();
    for (int i = 0; i < k.length; i++) {
      k[i] = keys.nextLong();
      first[i] = before.choose(hash(k[i]));
      assertThat(before.choose(hash(k[i]))).isSameAs(first[i]);
      spread.merge(first[i], 1, Integer::sum);
    }
    assertThat(spread).hasSize(10);
    assertThat(spread.values()).allSatisfy(v -> assertThat(v).isBetween(500, 1600));

    TestHost removed = hosts.remove(3);
    LoadBalancer after = build(policy, hosts);
    int moved = 0;
    for (int i = 0; i < k.length; i++) {
      Host now = after.choose(hash(k[i]));
      if (now != first[i]) {
        moved++;
      } else {
        assertThat(now).isNotSameAs(removed);
      }
    }
    // Every key of the removed host moves; the ring's rescaling (and Maglev's refill) moves a few more.
    assertThat(moved).isGreaterThanOrEqualTo(spread.get(removed));
    assertThat(moved / (double) k.length).isCloseTo(0.10, within(0.04));
  }

  @ParameterizedTest
  @MethodSource("policies")
  void weightsShiftTheShareOfKeys(LbPolicy policy) {
    List<TestHost> hosts = List.of(new TestHost(1).weight(1), new TestHost(2).weight(3));
    LoadBalancer lb = build(policy, hosts);
    Random keys = new Random(7);
    int heavy = 0;
    for (int i = 0; i < 20000; i++) {
      if (lb.choose(hash(keys.nextLong())) == hosts.get(1)) {
        heavy++;
      }
    }
    assertThat(heavy / 20000.0).isCloseTo(0.75, within(0.05));
  }

  @ParameterizedTest
  @MethodSource("policies")
  void aRetryMovesAwayFromAnExcludedHost(LbPolicy policy) {
    List<TestHost> hosts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      hosts.add(new TestHost(i));
    }
    LoadBalancer lb = build(policy, hosts);
    Host firstChoice = lb.choose(hash(12345));
    Host retry = lb.choose(new LoadBalancerContext(12345L, Set.of(firstChoice), 5, null));
    assertThat(retry).isNotSameAs(firstChoice);
  }
}
