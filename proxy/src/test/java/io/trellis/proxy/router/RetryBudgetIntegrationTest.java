package io.trellis.proxy.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.cluster.CircuitBreakers;
import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.RetryPolicy;
import io.trellis.proxy.config.route.RetryPolicy.RetryOn;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.http.ResponseFlag;
import io.trellis.proxy.http.StreamInfo;
import io.trellis.proxy.router.ScriptedBackend.Action;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The retry budget through the real listeners and router, against a backend that fails and hangs on
 * command: a retry over budget is not attempted, the client gets the upstream's own answer, and the
 * budget grows with the requests in flight.
 */
class RetryBudgetIntegrationTest {
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build();
  }

  private static Route route(String prefix, RetryPolicy policy) {
    ForwardAction.Builder a = ForwardAction.builder(new ClusterSpecifier.Cluster("svc"));
    if (policy != null) {
      a.retryPolicy(policy);
    }
    return new Route(prefix, RouteMatch.prefix(prefix), a.build());
  }

  @Test
  void aRetryOverBudgetIsNotAttemptedAndTheBudgetGrowsWithTraffic() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend b = f.backend("b");
      // 50% of (active + pending), at least one retry at a time; max_retries (3) is replaced
      var t = new CircuitBreakers.Thresholds(1024, 1024, 1024, 3, CircuitBreakers.Thresholds.UNLIMITED, false,
          new CircuitBreakers.RetryBudget(50, 1));
      f.cluster("svc", c -> c.circuitBreakers(new CircuitBreakers(t, CircuitBreakers.Thresholds.DEFAULT)), b.port());
      String base = f.serve(route("/retry", RetryPolicy.builder().retryOn(Set.of(RetryOn.FIVE_XX)).numRetries(1).build()),
          route("/hold", null));
      List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
      try {
        // A: 503, its retry hangs at the backend and holds the one retry slot
        b.then(Action.status(503), Action.hang());
        pending.add(client.sendAsync(get(base + "/retry/a"), HttpResponse.BodyHandlers.ofString()));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.requests.get() == 2);

        // B: 503, and with 1-2 requests in flight the budget is still 1: no retry, the 503 comes back
        b.then(Action.status(503, java.util.Map.of("x-from", "upstream")));
        HttpResponse<String> r = client.send(get(base + "/retry/b"), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("x-from")).hasValue("upstream"); // the upstream's answer, not a local one
        assertThat(r.body()).isEqualTo("backend b");
        assertThat(b.requests.get()).isEqualTo(3);
        assertThat(f.counter("cluster.svc.upstream_rq_retry_overflow")).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(f.finished).anySatisfy(info -> {
          assertThat(info.responseCode()).isEqualTo(503);
          assertThat(info.hasFlag(ResponseFlag.UPSTREAM_OVERFLOW)).isTrue();
        }));

        // four more requests hang at the backend: 50% of at least 5 in flight allows a second retry
        for (int i = 0; i < 4; i++) {
          b.then(Action.hang());
          pending.add(client.sendAsync(get(base + "/hold/" + i), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> b.requests.get() == 7);
        b.then(Action.status(503), Action.ok());
        HttpResponse<String> c = client.send(get(base + "/retry/c"), HttpResponse.BodyHandlers.ofString());
        assertThat(c.statusCode()).isEqualTo(200);
        assertThat(b.requests.get()).isEqualTo(9);
        assertThat(f.counter("cluster.svc.upstream_rq_retry")).isEqualTo(2);
        assertThat(f.counter("cluster.svc.upstream_rq_retry_overflow")).isEqualTo(1);
        assertThat(f.finished.stream().filter(i -> i.hasFlag(ResponseFlag.UPSTREAM_OVERFLOW)).count()).isEqualTo(1);
      } finally {
        pending.forEach(p -> p.cancel(true));
      }
    }
  }
}
