package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.HealthStatus;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import io.trellis.proxy.config.cluster.SlowStart;
import io.trellis.proxy.stats.StatsStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A cluster with slow start: hosts added later ramp up from when they first became usable. */
class SlowStartClusterTest extends UpstreamTestSupport {
  private static final LbEndpoint OLD = LbEndpoint.of("127.0.0.1", 1001);
  private static final LbEndpoint NEW = LbEndpoint.of("127.0.0.1", 1002);

  /** A clock the test moves. */
  private static final class SteppedClock extends Clock {
    final AtomicLong millis = new AtomicLong(1_000_000);

    @Override public long millis() { return millis.get(); }
    @Override public Instant instant() { return Instant.ofEpochMilli(millis.get()); }
    @Override public ZoneId getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(ZoneId zone) { return this; }
  }

  private final SteppedClock clock = new SteppedClock();

  private UpstreamClusters slowStartCluster() {
    UpstreamClusters c = new UpstreamClusters(transport, new StatsStore(), clock, new Random(3));
    closeables.add(c::close);
    c.applyClusters(List.of(
        ClusterConfig.builder("web").type(DiscoveryType.EDS).edsServiceName("web")
            .slowStart(new SlowStart(Duration.ofSeconds(10), 1.0, 10.0)).build()));
    return c;
  }

  private static void endpoints(UpstreamClusters c, LbEndpoint... eps) {
    c.applyEndpoints(Map.of("web", EndpointsConfig.of("web", List.of(LocalityLbEndpoints.of(List.of(eps))))));
  }

  private static double shareOf(ClusterRuntime r, String port, int picks) {
    int n = 0;
    for (int i = 0; i < picks; i++) {
      if (r.chooseHost(LoadBalancerContext.NONE).address().getPort() == Integer.parseInt(port)) {
        n++;
      }
    }
    return n / (double) picks;
  }

  @Test
  void aHostAddedToAWarmClusterRampsUpOverTheWindow() {
    UpstreamClusters c = slowStartCluster();
    endpoints(c, OLD);
    clock.millis.addAndGet(60_000); // the first host is long settled
    endpoints(c, OLD, NEW);
    ClusterRuntime r = (ClusterRuntime) c.cluster("web");
    assertThat(shareOf(r, "1002", 20_000)).isCloseTo(1 / 11.0, within(0.01));
    clock.millis.addAndGet(5_000);
    assertThat(shareOf(r, "1002", 20_000)).isCloseTo(1 / 3.0, within(0.015));
    clock.millis.addAndGet(5_000);
    assertThat(shareOf(r, "1002", 20_000)).isEqualTo(0.5);
  }

  @Test
  void aHostThatJoinsUnhealthyStartsItsWindowWhenItFirstBecomesUsable() {
    UpstreamClusters c = slowStartCluster();
    endpoints(c, OLD, NEW.withHealthStatus(HealthStatus.UNHEALTHY));
    clock.millis.addAndGet(60_000);
    endpoints(c, OLD, NEW); // healthy now, a minute after it was first listed
    ClusterRuntime r = (ClusterRuntime) c.cluster("web");
    assertThat(r.hosts().get(1).joinedMillis()).isEqualTo(clock.millis());
    assertThat(shareOf(r, "1002", 20_000)).isCloseTo(1 / 11.0, within(0.01));
  }
}
