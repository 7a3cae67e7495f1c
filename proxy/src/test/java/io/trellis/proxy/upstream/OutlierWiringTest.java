package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.cluster.OutlierDetection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the pools report reaches outlier detection, and the balancer honours ejections (with panic). */
class OutlierWiringTest extends UpstreamTestSupport {

  @Test
  void whenEveryHostIsEjectedThePanicThresholdStillSendsTraffic() throws Exception {
    TestBackend a = closing(TestBackend.http1("a"));
    TestBackend b = closing(TestBackend.http1("b"));
    clusters.applyClusters(List.of(staticCluster("od", a.port(), b.port())
        .outlierDetection(OutlierDetection.builder().consecutive5xx(2).maxEjectionPercent(100)
            .baseEjectionTime(Duration.ofMinutes(5)).build())
        .build()));
    UpstreamCluster c = clusters.cluster("od");
    for (int i = 0; i < 4; i++) {
      assertThat(finish(Exchange.start(c, loop, Exchange.get("/status/500"), HttpProtocol.HTTP_1_1)).status()).isEqualTo(500);
    }
    await().until(() -> gauge("cluster.od.outlier_detection.ejections_active") == 2);
    await().until(() -> gauge("cluster.od.membership_healthy") == 0);
    long panicBefore = counter("cluster.od.lb_healthy_panic");
    // no healthy host: below the 50% panic threshold the balancer uses every host
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status()).isEqualTo(200);
    assertThat(counter("cluster.od.lb_healthy_panic")).isGreaterThan(panicBefore);
  }

  @Test
  void connectFailuresAndTimeoutsCountAsGatewayErrors() throws Exception {
    TestBackend live = closing(TestBackend.http1("live"));
    int deadPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort(); // closed again: connections are refused
    }
    clusters.applyClusters(List.of(staticCluster("dead", deadPort, live.port())
        .outlierDetection(OutlierDetection.builder().consecutive5xx(1000).consecutiveGatewayFailure(3)
            .enforcingConsecutiveGatewayFailure(100).maxEjectionPercent(100).build())
        .build()));
    UpstreamCluster c = clusters.cluster("dead");
    // round robin alternates: three refusals of the dead host eject it
    for (int i = 0; i < 6; i++) {
      Exchange x = Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1);
      try {
        x.done.get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException expected) {
        assertThat(((UpstreamFailure) expected.getCause()).reason()).isEqualTo(UpstreamFailure.Reason.CONNECTION_FAILURE);
      }
    }
    await().until(() -> counter("cluster.dead.outlier_detection.ejections_enforced_consecutive_gateway_failure") == 1);

    // a stream abandoned on a timeout counts as a 504 for the host it was on
    clusters.applyClusters(List.of(staticCluster("slow", live.port())
        .outlierDetection(OutlierDetection.builder().consecutive5xx(2).alwaysEjectOneHost(true).build())
        .build()));
    UpstreamCluster slow = clusters.cluster("slow");
    for (int i = 0; i < 2; i++) {
      Exchange held = Exchange.start(slow, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1);
      await().until(() -> held.stream != null);
      loop.execute(() -> held.stream.resetOnTimeout());
    }
    await().until(() -> counter("cluster.slow.outlier_detection.ejections_enforced_consecutive_5xx") == 1);
  }
}
