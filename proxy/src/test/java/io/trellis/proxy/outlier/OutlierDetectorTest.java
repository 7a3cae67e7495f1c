package io.trellis.proxy.outlier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.proxy.config.cluster.OutlierDetection;
import io.trellis.proxy.stats.StatsStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Envoy's outlier-detection rules on a fake clock with controlled randomness. */
class OutlierDetectorTest {
  private final FakeClock clock = new FakeClock();
  private final StatsStore store = new StatsStore();
  private final List<String> events = new ArrayList<>();
  private int roll; // what the "random" percentage draw returns

  private final RandomGenerator random = new RandomGenerator() {
    @Override
    public long nextLong() {
      return roll;
    }

    @Override
    public int nextInt(int bound) {
      return roll % bound;
    }
  };

  private OutlierDetector detector(OutlierDetection config) {
    return new OutlierDetector(config, clock, random, new OutlierStats(store, "c"),
        (m, ejected) -> events.add((ejected ? "eject " : "return ") + m.owner()));
  }

  private List<HostMonitor> hosts(OutlierDetector d, int n) {
    List<HostMonitor> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(d.newMonitor("h" + i));
    }
    d.setHosts(list);
    return list;
  }

  private long counter(String name) {
    return store.counters().getOrDefault("cluster.c.outlier_detection." + name, 0L);
  }

  private long active() {
    return store.gauges().getOrDefault("cluster.c.outlier_detection.ejections_active", 0L);
  }

  private static void statuses(HostMonitor m, int status, int times) {
    for (int i = 0; i < times; i++) {
      m.putHttpStatus(status);
    }
  }

  @Test
  void fiveConsecutive5xxEjectAndASuccessInBetweenResets() {
    OutlierDetector d = detector(OutlierDetection.builder().maxEjectionPercent(100).build());
    HostMonitor h = hosts(d, 3).get(0);
    statuses(h, 500, 4);
    h.putHttpStatus(200);
    statuses(h, 500, 4);
    assertThat(h.ejected()).isFalse();
    h.putHttpStatus(500);
    assertThat(h.ejected()).isTrue();
    assertThat(events).containsExactly("eject h0");
    assertThat(counter("ejections_enforced_consecutive_5xx")).isEqualTo(1);
    assertThat(counter("ejections_enforced_total")).isEqualTo(1);
    assertThat(active()).isEqualTo(1);
  }

  @Test
  void maxEjectionPercentForbidsEjectingOneOfThreeByDefaultUnlessAlwaysEjectOneHost() {
    OutlierDetector d = detector(OutlierDetection.DEFAULT); // 10%: one of three is 33%
    HostMonitor h = hosts(d, 3).get(0);
    statuses(h, 503, 5);
    assertThat(h.ejected()).isFalse();
    assertThat(counter("ejections_overflow")).isEqualTo(1);
    assertThat(counter("ejections_detected_consecutive_5xx")).isEqualTo(1);

    OutlierDetector one = detector(OutlierDetection.builder().alwaysEjectOneHost(true).build());
    List<HostMonitor> hs = hosts(one, 3);
    statuses(hs.get(0), 503, 5);
    assertThat(hs.get(0).ejected()).isTrue();
    statuses(hs.get(1), 503, 5); // only the first may go
    assertThat(hs.get(1).ejected()).isFalse();
  }

  @Test
  void ejectionTimeGrowsWithTheEjectionCountUpToTheMaximumAndReturnsAtAnInterval() {
    OutlierDetector d = detector(OutlierDetection.builder().maxEjectionPercent(100)
        .baseEjectionTime(Duration.ofSeconds(30)).maxEjectionTime(Duration.ofSeconds(50)).build());
    HostMonitor h = hosts(d, 2).get(0);
    statuses(h, 500, 5);
    clock.advance(Duration.ofSeconds(29));
    d.runInterval();
    assertThat(h.ejected()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    d.runInterval();
    assertThat(h.ejected()).isFalse();
    assertThat(active()).isZero();
    assertThat(events).containsExactly("eject h0", "return h0");

    statuses(h, 500, 5); // second ejection: 2 × 30 s, capped at 50 s
    assertThat(h.ejectionCount()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(49));
    d.runInterval();
    assertThat(h.ejected()).isTrue();
    clock.advance(Duration.ofSeconds(1));
    d.runInterval();
    assertThat(h.ejected()).isFalse();

    // staying in service for a base ejection time earns one ejection back
    clock.advance(Duration.ofSeconds(30));
    d.runInterval();
    assertThat(h.ejectionCount()).isEqualTo(1);
  }

  @Test
  void gatewayFailuresAreDetectedButNotEnforcedByDefault() {
    OutlierDetector d = detector(OutlierDetection.builder().maxEjectionPercent(100).consecutive5xx(100).build());
    HostMonitor h = hosts(d, 2).get(0);
    statuses(h, 502, 5);
    assertThat(counter("ejections_detected_consecutive_gateway_failure")).isEqualTo(1);
    assertThat(counter("ejections_enforced_consecutive_gateway_failure")).isZero();
    assertThat(h.ejected()).isFalse();

    OutlierDetector enforcing = detector(OutlierDetection.builder().maxEjectionPercent(100).consecutive5xx(100)
        .enforcingConsecutiveGatewayFailure(100).build());
    HostMonitor g = hosts(enforcing, 2).get(0);
    statuses(g, 504, 4);
    g.putHttpStatus(500); // a 5xx that is not a gateway error restarts the gateway count
    statuses(g, 504, 4);
    assertThat(g.ejected()).isFalse();
    g.putHttpStatus(503);
    assertThat(g.ejected()).isTrue();
  }

  @Test
  void enforcingPercentageUsesTheRandomDraw() {
    OutlierDetector d = detector(OutlierDetection.builder().maxEjectionPercent(100).enforcingConsecutive5xx(50).build());
    HostMonitor h = hosts(d, 2).get(0);
    roll = 50; // not below 50: detected, not enforced
    statuses(h, 500, 5);
    assertThat(h.ejected()).isFalse();
    assertThat(counter("ejections_detected_consecutive_5xx")).isEqualTo(1);
    roll = 49;
    statuses(h, 500, 5);
    assertThat(h.ejected()).isTrue();
  }

  @Test
  void successRateEjectsHostsBelowMeanMinusStdevFactorTimesStdev() {
    OutlierDetector d = detector(OutlierDetection.builder().maxEjectionPercent(100).consecutive5xx(1000)
        .successRateStdevFactor(1000).build());
    List<HostMonitor> hs = hosts(d, 5);
    for (int i = 0; i < 4; i++) {
      statuses(hs.get(i), 200, 100);
    }
    HostMonitor bad = hs.get(4);
    statuses(bad, 200, 50);
    statuses(bad, 500, 50);
    d.runInterval();
    assertThat(bad.ejected()).isTrue();
    assertThat(hs.subList(0, 4)).noneMatch(HostMonitor::ejected);
    assertThat(counter("ejections_enforced_success_rate")).isEqualTo(1);

    // too few requests in the next interval: nothing judged
    statuses(hs.get(0), 500, 99);
    d.runInterval();
    assertThat(hs.get(0).ejected()).isFalse();
  }

  @Test
  void successRateNeedsTheMinimumNumberOfHosts() {
    OutlierDetector d = detector(OutlierDetection.builder().maxEjectionPercent(100).consecutive5xx(1000).build());
    List<HostMonitor> hs = hosts(d, 4); // success_rate_minimum_hosts is 5
    for (int i = 0; i < 3; i++) {
      statuses(hs.get(i), 200, 100);
    }
    statuses(hs.get(3), 500, 100);
    d.runInterval();
    assertThat(hs.get(3).ejected()).isFalse();
    assertThat(counter("ejections_detected_success_rate")).isZero();
  }

  @Test
  void failurePercentageEjectsAboveTheThresholdWhenEnforced() {
    OutlierDetector d = detector(OutlierDetection.builder().maxEjectionPercent(100).consecutive5xx(1000)
        .enforcingFailurePercentage(100).failurePercentageMinimumHosts(2).failurePercentageRequestVolume(10).build());
    List<HostMonitor> hs = hosts(d, 3);
    statuses(hs.get(0), 200, 20);
    statuses(hs.get(1), 200, 3);
    statuses(hs.get(1), 500, 17); // 85%: at the threshold
    statuses(hs.get(2), 500, 5); // below the request volume
    d.runInterval();
    assertThat(hs.get(1).ejected()).isTrue();
    assertThat(hs.get(0).ejected()).isFalse();
    assertThat(hs.get(2).ejected()).isFalse();
    assertThat(counter("ejections_enforced_failure_percentage")).isEqualTo(1);
  }

  @Test
  void localOriginFailuresCountAs503UnlessSplit() {
    OutlierDetector joined = detector(OutlierDetection.builder().maxEjectionPercent(100).build());
    HostMonitor h = hosts(joined, 2).get(0);
    for (int i = 0; i < 4; i++) {
      h.putLocalOrigin(LocalOriginEvent.CONNECT_FAILED);
      h.putLocalOrigin(LocalOriginEvent.CONNECT_SUCCESS); // says nothing without the split
    }
    h.putLocalOrigin(LocalOriginEvent.TIMEOUT);
    assertThat(h.ejected()).isTrue();
    assertThat(counter("ejections_enforced_consecutive_5xx")).isEqualTo(1);

    OutlierDetector split = detector(OutlierDetection.builder().maxEjectionPercent(100)
        .splitExternalLocalOriginErrors(true).consecutiveLocalOriginFailure(3).build());
    HostMonitor s = hosts(split, 2).get(0);
    s.putLocalOrigin(LocalOriginEvent.CONNECT_FAILED);
    s.putLocalOrigin(LocalOriginEvent.CONNECT_FAILED);
    s.putLocalOrigin(LocalOriginEvent.CONNECT_SUCCESS); // restarts the local-origin count
    s.putLocalOrigin(LocalOriginEvent.CONNECT_FAILED);
    s.putLocalOrigin(LocalOriginEvent.CONNECT_FAILED);
    statuses(s, 500, 4); // external errors count apart
    assertThat(s.ejected()).isFalse();
    s.putLocalOrigin(LocalOriginEvent.TIMEOUT);
    assertThat(s.ejected()).isTrue();
    assertThat(counter("ejections_enforced_consecutive_local_origin_failure")).isEqualTo(1);
  }

  @Test
  void removedHostsStopCountingAndCloseClearsTheGauge() {
    OutlierDetector d = detector(OutlierDetection.builder().maxEjectionPercent(100).build());
    List<HostMonitor> hs = hosts(d, 3);
    statuses(hs.get(0), 500, 5);
    statuses(hs.get(1), 500, 5);
    assertThat(active()).isEqualTo(2);
    d.setHosts(List.of(hs.get(1), hs.get(2)));
    assertThat(active()).isEqualTo(1);
    statuses(hs.get(0), 500, 5); // gone: ignored
    assertThat(d.ejectedCount()).isEqualTo(1);
    d.close();
    assertThat(active()).isZero();
  }

  @Test
  void aPassedActiveHealthCheckReturnsAnEjectedHostUnlessTurnedOff() {
    OutlierDetector d = detector(OutlierDetection.builder().maxEjectionPercent(100).build());
    HostMonitor h = hosts(d, 2).get(0);
    statuses(h, 500, 5);
    d.activeHealthCheckPassed(h);
    assertThat(h.ejected()).isFalse();
    assertThat(active()).isZero();
    assertThat(events).containsExactly("eject h0", "return h0");
    statuses(h, 500, 4); // counters were cleared on return: four more do not eject
    assertThat(h.ejected()).isFalse();

    OutlierDetector off = detector(OutlierDetection.builder().maxEjectionPercent(100)
        .successfulActiveHealthCheckUnejectHost(false).build());
    HostMonitor o = hosts(off, 2).get(0);
    statuses(o, 500, 5);
    off.activeHealthCheckPassed(o);
    assertThat(o.ejected()).isTrue();
  }

  @Test
  void invalidConfigurationNamesTheField() {
    assertThatThrownBy(() -> OutlierDetection.builder().maxEjectionPercent(101).build())
        .hasMessage("max_ejection_percent: 101 (expected: 0..100)");
    assertThatThrownBy(() -> OutlierDetection.builder().interval(Duration.ZERO).build())
        .hasMessage("interval: PT0S (expected: >= 1ms)");
  }
}
