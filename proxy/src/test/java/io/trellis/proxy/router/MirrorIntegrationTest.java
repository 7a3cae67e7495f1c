package io.trellis.proxy.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.RequestMirrorPolicy;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.router.ScriptedBackend.Action;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Request mirroring: shadows reach their cluster with a -shadow authority and never hold up or fail the primary. */
@ExtendWith(LeakCheck.class)
class MirrorIntegrationTest {
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private static Route mirrored(String prefix, String cluster, RequestMirrorPolicy... mirrors) {
    return new Route(prefix, RouteMatch.prefix(prefix), ForwardAction.builder(new ClusterSpecifier.Cluster(cluster))
        .requestMirrorPolicies(List.of(mirrors)).build());
  }

  @Test
  void aHangingShadowDoesNotDelayThePrimaryAndStillSeesTheRequest() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend primary = f.backend("primary");
      ScriptedBackend shadow = f.backend("shadow").always(Action.delayed(5000));
      f.cluster("primary", primary.port());
      f.cluster("shadow", shadow.port());
      String base = f.serve(mirrored("/", "primary", RequestMirrorPolicy.all("shadow")));
      int port = URI.create(base).getPort();
      for (int i = 0; i < 5; i++) {
        long start = System.nanoTime();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/m/" + i))
            .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString("payload-" + i)).build(),
            HttpResponse.BodyHandlers.ofString());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-backend")).hasValue("primary");
        // the shadow answers only after 5 s: the primary must not wait for it
        assertThat(tookMs).as("primary latency").isLessThan(4000);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> shadow.requests.get() == 5);
      ScriptedBackend.Seen seen = shadow.seen.get(0);
      assertThat(seen.headers().get("host")).isEqualTo("127.0.0.1-shadow:" + port);
      assertThat(seen.uri()).startsWith("/m/");
      assertThat(seen.bodyLength()).isEqualTo("payload-0".length());
      assertThat(primary.seen.get(0).headers().get("host")).isEqualTo("127.0.0.1:" + port);
      assertThat(f.counter("cluster.shadow.upstream_rq_total")).isEqualTo(5);
      // over HTTP/2 the authority pseudo-header gets the suffix the same way
      io.trellis.proxy.http.testing.Curl.Response h2 = io.trellis.proxy.http.testing.Curl.run("--http2-prior-knowledge", base + "/h2");
      assertThat(h2.status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> shadow.requests.get() == 6);
      assertThat(shadow.seen.get(5).headers().get("host")).isEqualTo("127.0.0.1-shadow:" + port);
    }
  }

  @Test
  void aFailingOrMissingMirrorChangesNothingForTheClient() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend primary = f.backend("primary");
      ScriptedBackend failing = f.backend("failing").always(Action.closeBeforeResponse());
      f.cluster("primary", primary.port());
      f.cluster("failing", failing.port());
      int closed;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        closed = s.getLocalPort();
      }
      f.cluster("refused", closed);
      String base = f.serve(mirrored("/", "primary", RequestMirrorPolicy.all("failing"), RequestMirrorPolicy.all("refused"),
          RequestMirrorPolicy.all("no-such-cluster")));
      for (int i = 0; i < 20; i++) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/f/" + i)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("backend primary");
      }
      assertThat(primary.requests.get()).isEqualTo(20);
      await().atMost(Duration.ofSeconds(10)).until(() -> failing.requests.get() == 20);
    }
  }

  @Test
  void theRuntimeFractionSamplesRequestsAndZeroMirrorsNone() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend primary = f.backend("primary");
      ScriptedBackend none = f.backend("none");
      ScriptedBackend half = f.backend("half");
      f.cluster("primary", primary.port());
      f.cluster("none", none.port());
      f.cluster("half", half.port());
      String base = f.serve(mirrored("/", "primary", new RequestMirrorPolicy("none", 0, 100),
          new RequestMirrorPolicy("half", 5000, 10_000)));
      for (int i = 0; i < 200; i++) {
        assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/s")).build(), HttpResponse.BodyHandlers.ofString())
            .statusCode()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> f.counter("cluster.half.upstream_rq_2xx") == f.counter("cluster.half.upstream_rq_total"));
      assertThat(none.requests.get()).isZero();
      assertThat(half.requests.get()).isBetween(60, 140);
    }
  }

  @Test
  void shadowAuthorityKeepsThePortAfterTheSuffix() {
    assertThat(ShadowRequest.shadowAuthority("reviews:9080")).isEqualTo("reviews-shadow:9080");
    assertThat(ShadowRequest.shadowAuthority("reviews")).isEqualTo("reviews-shadow");
    assertThat(ShadowRequest.shadowAuthority("[::1]:80")).isEqualTo("[::1]-shadow:80");
    assertThat(ShadowRequest.shadowAuthority("[::1]")).isEqualTo("[::1]-shadow");
  }

  @Test
  void aRetriedRequestIsMirroredOnceAndABodyPastTheBoundIsNotMirroredAtAll() throws Exception {
    try (ResilienceFixture f = new ResilienceFixture()) {
      ScriptedBackend primary = f.backend("primary").then(Action.status(503));
      ScriptedBackend shadow = f.backend("shadow");
      f.cluster("primary", primary.port());
      f.cluster("shadow", shadow.port());
      String base = f.serve(new Route("m", RouteMatch.prefix("/"), ForwardAction.builder(new ClusterSpecifier.Cluster("primary"))
          .retryPolicy(io.trellis.proxy.config.route.RetryPolicy.on(java.util.Set.of(io.trellis.proxy.config.route.RetryPolicy.RetryOn.FIVE_XX)))
          .requestMirrorPolicies(List.of(RequestMirrorPolicy.all("shadow"))).bufferLimitBytes(1024).build()));
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/once"))
          .POST(HttpRequest.BodyPublishers.ofString("small")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(primary.requests.get()).isEqualTo(2);
      await().atMost(Duration.ofSeconds(10)).until(() -> f.counter("cluster.shadow.upstream_rq_2xx") == 1);
      assertThat(shadow.requests.get()).isEqualTo(1);

      // 4 KiB past the 1 KiB bound: the primary gets all of it, the shadow is abandoned before it completes
      HttpResponse<String> big = client.send(HttpRequest.newBuilder(URI.create(base + "/big"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(big.statusCode()).isEqualTo(200);
      assertThat(primary.seen.get(2).bodyLength()).isEqualTo(4096);
      assertThat(f.counter("cluster.shadow.upstream_rq_total")).isEqualTo(2);
      assertThat(shadow.seen.stream().filter(s -> s.uri().equals("/big")).toList()).isEmpty();
    }
  }
}
