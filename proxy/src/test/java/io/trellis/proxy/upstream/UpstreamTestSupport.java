package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoop;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.stats.StatsStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A transport, a cluster manager and backends that every upstream test closes after itself. */
abstract class UpstreamTestSupport {
  Transport transport;
  StatsStore stats;
  UpstreamClusters clusters;
  EventLoop loop;
  final List<AutoCloseable> closeables = new ArrayList<>();

  @BeforeEach
  void startTransport() {
    transport = Transport.create(1, "upstream-test");
    stats = new StatsStore();
    clusters = new UpstreamClusters(transport, stats, Clock.systemUTC(), new Random(1));
    loop = transport.eventLoops().next();
  }

  @AfterEach
  void stopAll() throws Exception {
    clusters.close();
    for (AutoCloseable c : closeables) {
      c.close();
    }
    transport.close();
  }

  <T extends AutoCloseable> T closing(T c) {
    closeables.add(c);
    return c;
  }

  static EndpointsConfig endpoints(String cluster, int... ports) {
    List<LbEndpoint> eps = new ArrayList<>();
    for (int p : ports) {
      eps.add(LbEndpoint.of("127.0.0.1", p));
    }
    return EndpointsConfig.of(cluster, List.of(LocalityLbEndpoints.of(eps)));
  }

  static ClusterConfig.Builder staticCluster(String name, int... ports) {
    return ClusterConfig.builder(name).loadAssignment(endpoints(name, ports));
  }

  long counter(String name) {
    return stats.counters().getOrDefault(name, -1L);
  }

  long gauge(String name) {
    return stats.gauges().getOrDefault(name, -1L);
  }

  static UpstreamFailure failureOf(Exchange x) {
    try {
      x.done.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(UpstreamFailure.class);
      return (UpstreamFailure) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("expected a failure, got status " + x.status());
  }

  static Exchange finish(Exchange x) {
    try {
      return x.done.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }
}
