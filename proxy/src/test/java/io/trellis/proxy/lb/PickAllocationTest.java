package io.trellis.proxy.lb;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.upstream.Host.Locality;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Picks run on every request on every event loop: they must not allocate. */
class PickAllocationTest {
  static List<LbPolicy> policies() {
    return List.of(new LbPolicy.RoundRobin(), new LbPolicy.LeastRequest(), new LbPolicy.Random(),
        new LbPolicy.RingHash(), new LbPolicy.Maglev());
  }

  @ParameterizedTest
  @MethodSource("policies")
  void aPickAllocatesNothing(LbPolicy policy) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    List<TestHost> hosts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      hosts.add(new TestHost(i, new Locality("r", "z" + (i % 2), "")).weight(1 + i % 3));
    }
    hosts.get(0).unhealthy();
    List<LocalityHosts> groups = List.of(
        new LocalityHosts(0, new Locality("r", "z0", ""), 1, List.copyOf(hosts.subList(0, 10))),
        new LocalityHosts(1, new Locality("r", "z1", ""), 2, List.copyOf(hosts.subList(10, 20))));
    LoadBalancer lb = PriorityLoadBalancer.build(new BalancerSettings(policy, 140, 50, true), groups, new Random(1), () -> {});
    LoadBalancerContext hashed = new LoadBalancerContext(12345L, Set.of(hosts.get(3)), 3, null);
    for (int i = 0; i < 20_000; i++) { // warm up, so that class loading and JIT are not counted
      lb.choose(LoadBalancerContext.NONE);
      lb.choose(hashed);
    }
    long tid = Thread.currentThread().threadId();
    long before = threads.getThreadAllocatedBytes(tid);
    for (int i = 0; i < 100_000; i++) {
      lb.choose(LoadBalancerContext.NONE);
      lb.choose(hashed);
    }
    long allocated = threads.getThreadAllocatedBytes(tid) - before;
    // 200,000 picks; a single boxed value per pick would already be 3 MB.
    assertThat(allocated).isLessThan(64 * 1024);
  }
}
