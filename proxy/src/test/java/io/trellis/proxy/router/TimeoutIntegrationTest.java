package io.trellis.proxy.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.RetryPolicy;
import io.trellis.proxy.config.route.RetryPolicy.RetryOn;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.http.StreamInfo;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.router.ScriptedBackend.Action;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Route timeouts as a client sees them: status, response flag and details for each kind. */
@ExtendWith(LeakCheck.class)
class TimeoutIntegrationTest {

  private static StreamInfo finished(ResilienceFixture f, String route) {
    await().atMost(Duration.ofSeconds(5)).until(() -> f.finished.stream().anyMatch(i -> route.equals(i.routeName())));
    return f.finished.stream().filter(i -> route.equals(i.routeName())).findFirst().orElseThrow();
  }

  @Test
  void eachTimeoutAnswersWithItsStatusAndFlag() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend slow = f.backend("slow").always(Action.delayed(3000));
      f.cluster("slow", slow.port());
      ForwardAction.Builder b = ForwardAction.builder(new ClusterSpecifier.Cluster("slow"));
      String base = f.serve(
          new Route("duration", RouteMatch.prefix("/duration"), b.timeout(Duration.ZERO).maxStreamDuration(Duration.ofMillis(300)).build()),
          new Route("route-timeout", RouteMatch.prefix("/timeout"),
              ForwardAction.builder(new ClusterSpecifier.Cluster("slow")).timeout(Duration.ofMillis(300)).build()),
          new Route("per-try-exhausted", RouteMatch.prefix("/pertry"), ForwardAction.builder(new ClusterSpecifier.Cluster("slow"))
              .retryPolicy(RetryPolicy.builder().retryOn(Set.of(RetryOn.FIVE_XX)).numRetries(1).perTryTimeout(Duration.ofMillis(200)).build())
              .build()));

      Curl.Response duration = Curl.run(base + "/duration");
      assertThat(duration.status()).isEqualTo(408);
      assertThat(duration.body()).contains("downstream duration timeout");
      StreamInfo d = finished(f, "duration");
      assertThat(d.flagsString()).isEqualTo("DT");
      assertThat(d.responseCodeDetails()).isEqualTo("max_duration_timeout");

      Curl.Response timeout = Curl.run(base + "/timeout");
      assertThat(timeout.status()).isEqualTo(504);
      assertThat(finished(f, "route-timeout").flagsString()).isEqualTo("UT");

      // both tries time out: 504 UT, and the retry limit was reached (URX)
      Curl.Response perTry = Curl.run(base + "/pertry");
      assertThat(perTry.status()).isEqualTo(504);
      StreamInfo p = finished(f, "per-try-exhausted");
      assertThat(p.hasFlag(io.trellis.proxy.http.ResponseFlag.UPSTREAM_REQUEST_TIMEOUT)).isTrue();
      assertThat(p.hasFlag(io.trellis.proxy.http.ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED)).isTrue();
      assertThat(p.responseCodeDetails()).isEqualTo("upstream_per_try_timeout");
      assertThat(f.counter("cluster.slow.upstream_rq_per_try_timeout")).isEqualTo(2);
    }
  }

  @Test
  void aGrpcRequestPastItsMaxStreamDurationGetsDeadlineExceeded() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend slow = f.backend("slow").always(Action.delayed(3000));
      f.cluster("slow", slow.port());
      String base = f.serve(new Route("duration", RouteMatch.prefix("/"), ForwardAction.builder(new ClusterSpecifier.Cluster("slow"))
          .maxStreamDuration(Duration.ofMillis(300)).build()));
      Curl.Response r = Curl.run("--http2-prior-knowledge", "-H", "content-type: application/grpc", "--data-binary", "x", base + "/svc/M");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("grpc-status")).isEqualTo("4");
    }
  }
}
