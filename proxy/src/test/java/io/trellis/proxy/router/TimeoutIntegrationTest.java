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

  @Test
  void connectionManagerTimeoutsAnswer408() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend slow = f.backend("slow").always(Action.delayed(3000));
      f.cluster("slow", slow.port());
      String base = f.serve(h -> h.streamIdleTimeout(Duration.ofMillis(300)).requestTimeout(Duration.ofMillis(600)),
          new Route("all", RouteMatch.prefix("/"), ForwardAction.builder(new ClusterSpecifier.Cluster("slow")).timeout(Duration.ZERO).build()));
      // nothing moves for longer than stream_idle_timeout while the backend thinks: 408 SI
      assertThat(Curl.run(base + "/idle").status()).isEqualTo(408);
      StreamInfo idle = finished(f, "all");
      assertThat(idle.flagsString()).isEqualTo("SI");
      assertThat(idle.responseCodeDetails()).isEqualTo("stream_idle_timeout");
      assertThat(f.counter("http.res.downstream_rq_idle_timeout")).isEqualTo(1);
    }
  }

  @Test
  void aRequestBodyThatDoesNotCompleteInTimeGets408() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend slow = f.backend("slow");
      f.cluster("slow", slow.port());
      String base = f.serve(h -> h.streamIdleTimeout(Duration.ZERO).requestTimeout(Duration.ofMillis(400)),
          new Route("all", RouteMatch.prefix("/"), ForwardAction.to("slow")));
      int port = java.net.URI.create(base).getPort();
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        byte[] buf = new byte[4096];
        String response = new String(buf, 0, s.getInputStream().read(buf), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(response).startsWith("HTTP/1.1 408");
      }
      assertThat(finished(f, "all").responseCodeDetails()).isEqualTo("request_overall_timeout");
    }
  }
}
