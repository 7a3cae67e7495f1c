package io.trellis.bench.micro;

import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.lb.BalancerSettings;
import io.trellis.proxy.lb.LocalityHosts;
import io.trellis.proxy.lb.PriorityLoadBalancer;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One load-balancer pick, the work the router does for every request attempt, per policy over a
 * cluster of 100 healthy hosts in one locality (the proxy's {@link PriorityLoadBalancer}, built as
 * the cluster manager builds it). Hash policies get a different request hash each pick.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LoadBalancerPickBenchmark {

  /** An endpoint as the balancer sees it; nothing here is on the pick path but weight and health. */
  record BenchHost(InetSocketAddress address, int weight) implements Host {
    @Override
    public String hostname() {
      return "";
    }

    @Override
    public Locality locality() {
      return Locality.NONE;
    }

    @Override
    public Map<String, String> lbMetadata() {
      return Map.of();
    }

    @Override
    public boolean healthy() {
      return true;
    }
  }

  @Param({"round_robin", "least_request", "random", "ring_hash", "maglev"})
  public String policy;

  @Param({"100"})
  public int hosts;

  @Param({"false", "true"})
  public boolean weighted;

  private PriorityLoadBalancer balancer;
  private long hash;

  @Setup
  public void build() {
    List<Host> list = new ArrayList<>();
    for (int i = 0; i < hosts; i++) {
      list.add(new BenchHost(InetSocketAddress.createUnresolved("10.0." + (i / 250) + "." + (i % 250 + 1), 8080), weighted ? 1 + i % 5 : 1));
    }
    balancer =
        PriorityLoadBalancer.build(
            new BalancerSettings(policy(policy), 140, 50.0, false),
            List.of(new LocalityHosts(0, Host.Locality.NONE, 1, list)),
            new SplittableRandom(42),
            () -> {});
  }

  static LbPolicy policy(String name) {
    return switch (name) {
      case "round_robin" -> new LbPolicy.RoundRobin();
      case "least_request" -> new LbPolicy.LeastRequest();
      case "random" -> new LbPolicy.Random();
      case "ring_hash" -> new LbPolicy.RingHash();
      case "maglev" -> new LbPolicy.Maglev();
      default -> throw new IllegalArgumentException("policy: " + name);
    };
  }

  @Benchmark
  public Host pick() {
    hash += 0x9e3779b97f4a7c15L;
    LoadBalancerContext context =
        policy.equals("ring_hash") || policy.equals("maglev")
            ? new LoadBalancerContext(hash, Set.of(), 1, null)
            : LoadBalancerContext.NONE;
    return balancer.choose(context);
  }
}
