package io.trellis.proxy.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.router.ScriptedBackend.Action;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The connection manager's max_stream_duration through real listeners, against a backend that never answers. */
class MaxStreamDurationIntegrationTest {

  @Test
  void aHangingUpstreamIsCutAtTheStreamDurationWith504() {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend b = f.backend("hang").always(Action.hang());
      f.cluster("svc", b.port());
      String base = f.serve(hcm -> hcm.maxStreamDuration(Duration.ofMillis(400)),
          new Route("all", RouteMatch.prefix("/"), ForwardAction.builder(new ClusterSpecifier.Cluster("svc")).build()));
      long start = System.nanoTime();
      Curl.Response r = Curl.run("-m", "20", base + "/slow");
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.status()).isEqualTo(504);
      assertThat(r.body()).isEqualTo("downstream duration timeout");
      assertThat(tookMs).isBetween(400L, 10_000L);
      assertThat(b.requests.get()).isEqualTo(1);
      assertThat(f.counter("http.res.downstream_rq_max_duration_reached")).isEqualTo(1);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !f.finished.isEmpty());
      assertThat(f.finished.getFirst().responseCodeDetails()).isEqualTo("max_duration_timeout");
    }
  }
}
