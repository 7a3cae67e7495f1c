package io.trellis.proxy.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.HeaderMatcher;
import io.trellis.proxy.config.route.RetryPolicy;
import io.trellis.proxy.config.route.RetryPolicy.RetryOn;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.StringMatcher;
import io.trellis.proxy.http.ResponseFlag;
import io.trellis.proxy.http.StreamInfo;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.router.ScriptedBackend.Action;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries through the real listeners and {@code UpstreamClusters}, against backends that fail on command. */
@ExtendWith(LeakCheck.class)
class RetryIntegrationTest {
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private HttpResponse<String> get(String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String url, int bodyBytes) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[bodyBytes])).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Route route(String prefix, String cluster, RetryPolicy policy) {
    return route(prefix, cluster, policy, b -> b);
  }

  private static Route route(String prefix, String cluster, RetryPolicy policy,
      java.util.function.UnaryOperator<ForwardAction.Builder> more) {
    return new Route(prefix, RouteMatch.prefix(prefix),
        more.apply(ForwardAction.builder(new ClusterSpecifier.Cluster(cluster)).retryPolicy(policy)).build());
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void oneOfThreeBackendsAlways503_retriesOnOtherHostsHideItFromTheClient() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend bad = f.backend("bad").always(Action.status(503));
      ScriptedBackend good1 = f.backend("good1");
      ScriptedBackend good2 = f.backend("good2");
      // max_retries raised from Envoy's default 3: h2load below keeps up to 8 requests in flight
      var roomy = new io.trellis.proxy.config.cluster.CircuitBreakers.Thresholds(1024, 1024, 1024, 64, 1024, false);
      f.cluster("three", c -> c.circuitBreakers(new io.trellis.proxy.config.cluster.CircuitBreakers(roomy, roomy)),
          bad.port(), good1.port(), good2.port());
      String base = f.serve(route("/", "three", RetryPolicy.builder().retryOn(Set.of(RetryOn.FIVE_XX))
          .numRetries(2).previousHosts(true).build()));
      int errors = 0;
      for (int i = 0; i < 300; i++) {
        if (get(base + "/r/" + i).statusCode() != 200) {
          errors++;
        }
      }
      assertThat(errors).isZero();
      assertThat(bad.requests.get()).isGreaterThan(0);
      // previous_hosts: a retry never goes back to the host that just failed, so each 503 costs one retry
      assertThat(f.counter("cluster.three.upstream_rq_retry")).isEqualTo(bad.requests.get());
      assertThat(f.counter("cluster.three.upstream_rq_retry_success")).isEqualTo(bad.requests.get());
      assertThat(f.counter("cluster.three.upstream_rq_503")).isLessThanOrEqualTo(bad.requests.get());
      assertThat(good1.requests.get() + good2.requests.get()).isEqualTo(300);

      // the same through h2load over HTTP/2, 4 streams at a time: no 5xx reaches the client
      Process p = new ProcessBuilder("h2load", "-n", "300", "-c", "2", "-m", "4", base + "/h2").redirectErrorStream(true).start();
      try {
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out + " overflow=" + f.counter("cluster.three.upstream_rq_retry_overflow"))
            .contains("300 succeeded, 0 failed, 0 errored").contains("300 2xx, 0 3xx, 0 4xx, 0 5xx");
      } finally {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void eachRetryOnConditionRetriesWhatItNamesAndNothingElse() throws Exception {
    record Case(String name, Set<RetryOn> on, Action first, int expectedRequests, int expectedStatus,
        RetryPolicy.Builder extra) {}
    List<Case> cases = List.of(
        new Case("5xx-500", Set.of(RetryOn.FIVE_XX), Action.status(500), 2, 200, null),
        new Case("gw-502", Set.of(RetryOn.GATEWAY_ERROR), Action.status(502), 2, 200, null),
        new Case("gw-500", Set.of(RetryOn.GATEWAY_ERROR), Action.status(500), 1, 500, null),
        new Case("4xx-409", Set.of(RetryOn.RETRIABLE_4XX), Action.status(409), 2, 200, null),
        new Case("4xx-429", Set.of(RetryOn.RETRIABLE_4XX), Action.status(429), 1, 429, null),
        new Case("codes-418", Set.of(RetryOn.RETRIABLE_STATUS_CODES), Action.status(418), 2, 200,
            RetryPolicy.builder().retriableStatusCodes(List.of(418, 425))),
        new Case("codes-500", Set.of(RetryOn.RETRIABLE_STATUS_CODES), Action.status(500), 1, 500,
            RetryPolicy.builder().retriableStatusCodes(List.of(418, 425))),
        new Case("codes-without-token", Set.of(RetryOn.FIVE_XX), Action.status(418), 1, 418,
            RetryPolicy.builder().retriableStatusCodes(List.of(418))),
        new Case("headers-match", Set.of(RetryOn.RETRIABLE_HEADERS), Action.status(200, Map.of("x-upstream-retry", "yes")), 2, 200,
            RetryPolicy.builder().retriableHeaders(List.of(new HeaderMatcher("x-upstream-retry", StringMatcher.exact("yes"), null, null, null, false, false)))),
        new Case("headers-nomatch", Set.of(RetryOn.RETRIABLE_HEADERS), Action.status(503, Map.of("x-upstream-retry", "no")), 1, 503,
            RetryPolicy.builder().retriableHeaders(List.of(new HeaderMatcher("x-upstream-retry", StringMatcher.exact("yes"), null, null, null, false, false)))),
        new Case("grpc-unavailable", Set.of(RetryOn.GRPC_UNAVAILABLE),
            Action.status(200, Map.of("content-type", "application/grpc", "grpc-status", "14")), 2, 200, null),
        new Case("grpc-cancelled-only", Set.of(RetryOn.GRPC_CANCELLED),
            Action.status(200, Map.of("content-type", "application/grpc", "grpc-status", "14")), 1, 200, null),
        new Case("grpc-internal", Set.of(RetryOn.GRPC_INTERNAL),
            Action.status(200, Map.of("content-type", "application/grpc", "grpc-status", "13")), 2, 200, null),
        new Case("reset-before", Set.of(RetryOn.RESET), Action.closeBeforeResponse(), 2, 200, null),
        new Case("connect-failure-vs-503", Set.of(RetryOn.CONNECT_FAILURE), Action.status(503), 1, 503, null),
        new Case("connect-failure-vs-close", Set.of(RetryOn.CONNECT_FAILURE), Action.closeBeforeResponse(), 1, 503, null),
        new Case("5xx-close", Set.of(RetryOn.FIVE_XX), Action.closeBeforeResponse(), 2, 200, null));
    try (ResilienceFixture f = new ResilienceFixture()) {
      List<Route> routes = new ArrayList<>();
      List<ScriptedBackend> backends = new ArrayList<>();
      for (Case c : cases) {
        ScriptedBackend b = f.backend(c.name()).then(c.first());
        backends.add(b);
        f.cluster(c.name(), b.port());
        RetryPolicy.Builder pb = c.extra() != null ? c.extra() : RetryPolicy.builder();
        routes.add(route("/" + c.name() + "/", c.name(), pb.retryOn(c.on()).numRetries(1).build()));
      }
      String base = f.serve(routes.toArray(Route[]::new));
      for (int i = 0; i < cases.size(); i++) {
        Case c = cases.get(i);
        HttpResponse<String> r = get(base + "/" + c.name() + "/x");
        assertThat(r.statusCode()).as(c.name()).isEqualTo(c.expectedStatus());
        assertThat(backends.get(i).requests.get()).as(c.name() + ": requests the backend saw").isEqualTo(c.expectedRequests());
        assertThat(f.counter("cluster." + c.name() + ".upstream_rq_retry")).as(c.name()).isEqualTo(c.expectedRequests() - 1);
      }
    }
  }

  @Test
  void connectFailureRetriesARefusedPortOnAnotherHost() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend good = f.backend("good");
      f.cluster("half", closedPort(), good.port());
      String base = f.serve(route("/", "half", RetryPolicy.builder().retryOn(Set.of(RetryOn.CONNECT_FAILURE))
          .previousHosts(true).build()));
      for (int i = 0; i < 20; i++) {
        assertThat(get(base + "/c/" + i).statusCode()).isEqualTo(200);
      }
      assertThat(good.requests.get()).isEqualTo(20);
      assertThat(f.counter("cluster.half.upstream_rq_retry")).isGreaterThan(0);
    }
  }

  @Test
  void aResponseThatStartedStreamingIsNeverRetried() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend b = f.backend("mid").then(Action.closeMidResponse());
      f.cluster("mid", b.port());
      String base = f.serve(route("/", "mid", RetryPolicy.builder().retryOn(Set.of(RetryOn.RESET, RetryOn.FIVE_XX)).numRetries(3).build()));
      assertThatThrownBy(() -> get(base + "/m")).isInstanceOf(IOException.class);
      assertThat(b.requests.get()).isEqualTo(1);
      assertThat(f.counter("cluster.mid.upstream_rq_retry")).isZero();
    }
  }

  @Test
  void exhaustedRetriesForwardTheLastResponseWithUrxAndCountTheLimit() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend b = f.backend("down").always(Action.status(503));
      f.cluster("down", b.port());
      String base = f.serve(route("/", "down", RetryPolicy.builder().retryOn(Set.of(RetryOn.FIVE_XX)).numRetries(2).build(),
          a -> a.includeAttemptCount(true, true).includeIsTimeoutRetryHeader(true)));
      HttpResponse<String> r = get(base + "/d");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.body()).isEqualTo("backend down");
      assertThat(r.headers().firstValue("x-envoy-attempt-count")).hasValue("3");
      assertThat(b.requests.get()).isEqualTo(3);
      assertThat(b.seen.stream().map(s -> s.headers().get("x-envoy-attempt-count")).toList()).containsExactly("1", "2", "3");
      assertThat(b.seen.stream().map(s -> s.headers().get("x-envoy-is-timeout-retry")).toList()).containsExactly(null, "false", "false");
      assertThat(f.counter("cluster.down.upstream_rq_retry")).isEqualTo(2);
      assertThat(f.counter("cluster.down.upstream_rq_retry_limit_exceeded")).isEqualTo(1);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !f.finished.isEmpty());
      StreamInfo info = f.finished.get(0);
      assertThat(info.hasFlag(ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED)).isTrue();
      assertThat(info.flagsString()).contains("URX");
    }
  }

  @Test
  void perTryTimeoutRetriesAHungAttempt() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend b = f.backend("hang").then(Action.hang());
      ScriptedBackend b2 = f.backend("hang2").then(Action.hang());
      f.cluster("hang", b.port());
      f.cluster("hang2", b2.port());
      String base = f.serve(
          route("/retried", "hang", RetryPolicy.builder().retryOn(Set.of(RetryOn.FIVE_XX)).perTryTimeout(Duration.ofMillis(300)).build(),
              a -> a.includeIsTimeoutRetryHeader(true)),
          route("/notretried", "hang2", RetryPolicy.builder().retryOn(Set.of(RetryOn.RETRIABLE_4XX)).perTryTimeout(Duration.ofMillis(300)).build()));
      HttpResponse<String> r = get(base + "/retried");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(b.requests.get()).isEqualTo(2);
      assertThat(b.seen.get(1).headers().get("x-envoy-is-timeout-retry")).isEqualTo("true");
      assertThat(b.seen.get(1).headers().get("x-envoy-expected-rq-timeout-ms")).isEqualTo("300");
      assertThat(b.seen.get(0).headers()).doesNotContainKey("x-envoy-is-timeout-retry");
      assertThat(f.counter("cluster.hang.upstream_rq_per_try_timeout")).isEqualTo(1);
      assertThat(f.counter("cluster.hang.upstream_rq_retry")).isEqualTo(1);
      // a per-try timeout that retry_on does not cover answers 504 UT at once
      HttpResponse<String> r2 = get(base + "/notretried");
      assertThat(r2.statusCode()).isEqualTo(504);
      assertThat(b2.requests.get()).isEqualTo(1);
      assertThat(f.counter("cluster.hang2.upstream_rq_per_try_timeout")).isEqualTo(1);
    }
  }

  @Test
  void perTryIdleTimeoutRetriesAnAttemptThatGoesQuiet() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend b = f.backend("idle").then(Action.hang());
      f.cluster("idle", b.port());
      String base = f.serve(route("/", "idle", RetryPolicy.builder().retryOn(Set.of(RetryOn.RESET))
          .perTryIdleTimeout(Duration.ofMillis(300)).build()));
      assertThat(get(base + "/i").statusCode()).isEqualTo(200);
      assertThat(b.requests.get()).isEqualTo(2);
      assertThat(f.counter("cluster.idle.upstream_rq_per_try_idle_timeout")).isEqualTo(1);
    }
  }

  @Test
  void bodiesUpToTheBufferBoundAreReplayedAndLargerOnesAreForwardedButNotRetried() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend b = f.backend("body").always(Action.status(503));
      f.cluster("body", b.port());
      String base = f.serve(route("/", "body", RetryPolicy.builder().retryOn(Set.of(RetryOn.FIVE_XX)).numRetries(2).build(),
          a -> a.bufferLimitBytes(1024)));
      HttpResponse<String> small = post(base + "/small", 1000);
      assertThat(small.statusCode()).isEqualTo(503);
      assertThat(b.requests.get()).isEqualTo(3);
      assertThat(b.seen.stream().map(ScriptedBackend.Seen::bodyLength).toList()).containsExactly(1000, 1000, 1000);

      HttpResponse<String> large = post(base + "/large", 4096);
      assertThat(large.statusCode()).isEqualTo(503);
      assertThat(b.requests.get()).isEqualTo(4);
      assertThat(b.seen.get(3).bodyLength()).isEqualTo(4096);
      assertThat(f.counter("cluster.body.upstream_rq_retry")).isEqualTo(2);

      // replayed bodies end where the original did: over HTTP/2 and chunked HTTP/1.1, each attempt gets the whole body
      b.always(Action.ok());
      b.then(Action.status(503));
      io.trellis.proxy.http.testing.Curl.Response h2 = io.trellis.proxy.http.testing.Curl.run("--http2-prior-knowledge",
          "--data-binary", "x".repeat(700), base + "/h2");
      assertThat(h2.status()).isEqualTo(200);
      b.then(Action.status(503));
      io.trellis.proxy.http.testing.Curl.Response chunked = io.trellis.proxy.http.testing.Curl.run("-H", "Transfer-Encoding: chunked",
          "--data-binary", "y".repeat(900), base + "/chunked");
      assertThat(chunked.status()).isEqualTo(200);
      assertThat(b.seen.subList(4, 8).stream().map(ScriptedBackend.Seen::bodyLength).toList()).containsExactly(700, 700, 900, 900);
    }
  }

  @Test
  void previousHostsAsksTheLoadBalancerToAvoidTriedHosts() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend a = f.backend("a").always(Action.status(503));
      ScriptedBackend b = f.backend("b").always(Action.status(503));
      f.cluster("two", a.port(), b.port());
      String base = f.serve(route("/", "two", RetryPolicy.builder().retryOn(Set.of(RetryOn.FIVE_XX)).numRetries(1)
          .previousHosts(true).build()));
      for (int i = 0; i < 20; i++) {
        assertThat(get(base + "/p").statusCode()).isEqualTo(503);
      }
      // each request tried both hosts once: the retry avoided the host of the first attempt
      assertThat(a.requests.get()).isEqualTo(20);
      assertThat(b.requests.get()).isEqualTo(20);
    }
  }

  @Test
  void theMaxRetriesCircuitBreakerStopsRetriesAndCountsTheOverflow() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend b = f.backend("cb").always(Action.status(503));
      var none = new io.trellis.proxy.config.cluster.CircuitBreakers.Thresholds(1024, 1024, 1024, 0, 1024, false);
      f.cluster("cb", c -> c.circuitBreakers(new io.trellis.proxy.config.cluster.CircuitBreakers(none, none)), b.port());
      String base = f.serve(route("/", "cb", RetryPolicy.builder().retryOn(Set.of(RetryOn.FIVE_XX)).numRetries(3).build()));
      assertThat(get(base + "/o").statusCode()).isEqualTo(503);
      assertThat(b.requests.get()).isEqualTo(1);
      assertThat(f.counter("cluster.cb.upstream_rq_retry_overflow")).isEqualTo(1);
      assertThat(f.counter("cluster.cb.upstream_rq_retry")).isZero();
    }
  }

  @Test
  void internalRequestsMayAskForRetriesWithEnvoyHeaders() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend b = f.backend("hdr").then(Action.status(503), Action.status(502));
      f.cluster("hdr", b.port());
      String base = f.serve(new Route("plain", RouteMatch.prefix("/"), ForwardAction.to("hdr")));
      // an internal request (one private hop in x-forwarded-for): its x-envoy-* headers are trusted
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/h")).header("x-forwarded-for", "10.1.2.3")
          .header("x-envoy-retry-on", "gateway-error").header("x-envoy-max-retries", "2").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(b.requests.get()).isEqualTo(3);
      // consumed here, not passed upstream
      assertThat(b.seen.get(0).headers()).doesNotContainKeys("x-envoy-retry-on", "x-envoy-max-retries");
      // retriable status codes and header names may come with the request too
      b.then(Action.status(418), Action.status(200, Map.of("x-try-again", "1")));
      HttpResponse<String> byCodes = client.send(HttpRequest.newBuilder(URI.create(base + "/h")).header("x-forwarded-for", "10.1.2.3")
          .header("x-envoy-retry-on", "retriable-status-codes,retriable-headers").header("x-envoy-max-retries", "2")
          .header("x-envoy-retriable-status-codes", "418,bogus").header("x-envoy-retriable-header-names", "x-try-again").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(byCodes.statusCode()).isEqualTo(200);
      assertThat(byCodes.headers().firstValue("x-try-again")).isEmpty();
      assertThat(b.requests.get()).isEqualTo(6);
      // an external request's x-envoy-* headers are stripped: no retry
      b.then(Action.status(503));
      HttpResponse<String> external = client.send(HttpRequest.newBuilder(URI.create(base + "/h")).header("x-forwarded-for", "203.0.113.9")
          .header("x-envoy-retry-on", "gateway-error").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(external.statusCode()).isEqualTo(503);
      assertThat(b.requests.get()).isEqualTo(7);
    }
  }

  @Test
  void refusedStreamRetriesAnHttp2RefusalOnlyWhenAskedTo() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend refusing = f.backend("refusing", true).then(Action.refuseStream());
      ScriptedBackend other = f.backend("other", true).then(Action.refuseStream());
      var h2 = io.trellis.proxy.config.cluster.HttpProtocolOptions.of(io.trellis.proxy.config.cluster.UpstreamProtocolSelection.HTTP2);
      f.cluster("refusing", c -> c.protocolOptions(h2), refusing.port());
      f.cluster("other", c -> c.protocolOptions(h2), other.port());
      String base = f.serve(
          route("/refused", "refusing", RetryPolicy.builder().retryOn(Set.of(RetryOn.REFUSED_STREAM)).build()),
          route("/other", "other", RetryPolicy.builder().retryOn(Set.of(RetryOn.CONNECT_FAILURE, RetryOn.RETRIABLE_4XX)).build()));
      assertThat(get(base + "/refused").statusCode()).isEqualTo(200);
      assertThat(refusing.requests.get()).isEqualTo(2);
      assertThat(get(base + "/other").statusCode()).isEqualTo(503);
      assertThat(other.requests.get()).isEqualTo(1);
    }
  }
}
