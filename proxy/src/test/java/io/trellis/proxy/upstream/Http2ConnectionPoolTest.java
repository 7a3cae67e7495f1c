package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.cluster.Http2Options;
import io.trellis.proxy.config.cluster.HttpProtocolOptions;
import io.trellis.proxy.config.cluster.UpstreamProtocolSelection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class Http2ConnectionPoolTest extends UpstreamTestSupport {
  private static final HttpProtocolOptions H2 = HttpProtocolOptions.of(UpstreamProtocolSelection.HTTP2);

  private UpstreamCluster cluster(String name, TestBackend b, HttpProtocolOptions options) {
    clusters.applyClusters(List.of(staticCluster(name, b.port()).protocolOptions(options).build()));
    return clusters.cluster(name);
  }

  private List<Exchange> hold(UpstreamCluster c, int n) {
    List<Exchange> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1));
    }
    return out;
  }

  @Test
  void fiftyConcurrentStreamsShareOneConnection() {
    TestBackend b = closing(TestBackend.http2OrFail("a", 0));
    UpstreamCluster c = cluster("grpc", b, H2);
    List<Exchange> all = hold(c, 50);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.heldCount()).isEqualTo(50));
    assertThat(b.connections).hasValue(1);
    assertThat(gauge("cluster.grpc.upstream_rq_active")).isEqualTo(50);
    b.releaseHeld();
    for (Exchange x : all) {
      assertThat(finish(x).text()).isEqualTo("held a");
      assertThat(x.stream.protocol()).isEqualTo(HttpProtocol.HTTP_2);
      assertThat(x.head.join().headers().contains("x-http2-stream-id")).isFalse();
    }
    assertThat(counter("cluster.grpc.upstream_cx_http2_total")).isEqualTo(1);
    await().untilAsserted(() -> assertThat(gauge("cluster.grpc.upstream_rq_active")).isZero());
    assertThat(clusters.view("grpc").hosts().getFirst().rqSuccess()).isEqualTo(50);
  }

  @Test
  void theServersStreamLimitOpensMoreConnections() {
    TestBackend b = closing(TestBackend.http2OrFail("a", 10));
    UpstreamCluster c = cluster("grpc", b, H2);
    List<Exchange> all = hold(c, 25);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.heldCount()).isEqualTo(25));
    assertThat(b.connections).hasValue(3);
    b.releaseHeld();
    for (Exchange x : all) {
      assertThat(finish(x).status()).isEqualTo(200);
    }
    // With the streams done, later requests fit on the connections already open.
    for (int i = 0; i < 5; i++) {
      assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status()).isEqualTo(200);
    }
    assertThat(b.connections).hasValue(3);
  }

  @Test
  void ourOwnStreamLimitOpensMoreConnections() {
    TestBackend b = closing(TestBackend.http2OrFail("a", 0));
    UpstreamCluster c = cluster("grpc", b, H2.withHttp2(new Http2Options(4, Http2Options.DEFAULT_WINDOW_SIZE,
        Http2Options.DEFAULT_WINDOW_SIZE)));
    List<Exchange> all = hold(c, 8);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(b.heldCount()).isEqualTo(8));
    assertThat(b.connections).hasValue(2);
    b.releaseHeld();
    all.forEach(x -> assertThat(finish(x).status()).isEqualTo(200));
  }

  @Test
  void aConnectionDyingMidResponseResetsItsStreams() {
    TestBackend b = closing(TestBackend.http2OrFail("a", 0));
    UpstreamCluster c = cluster("grpc", b, H2);
    UpstreamFailure f = failureOf(Exchange.start(c, loop, Exchange.get("/die"), HttpProtocol.HTTP_1_1));
    assertThat(f.reason()).isEqualTo(UpstreamFailure.Reason.REMOTE_RESET);
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status()).isEqualTo(200);
    assertThat(b.connections).hasValue(2);
  }

  @Test
  void aLargeResponseArrivesIntactOverHttp2() throws Exception {
    TestBackend b = closing(TestBackend.http2OrFail("a", 0));
    UpstreamCluster c = cluster("grpc", b, H2);
    int n = 1024 * 1024;
    Exchange x = finish(Exchange.start(c, loop, Exchange.get("/bytes/" + n), HttpProtocol.HTTP_1_1));
    byte[] got = x.body.toByteArray();
    assertThat(got).hasSize(n);
    for (int i = 0; i < n; i += 997) {
      assertThat(got[i]).isEqualTo((byte) (i % 251));
    }
  }

  @Test
  void idleHttp2ConnectionsClose() {
    TestBackend b = closing(TestBackend.http2OrFail("a", 0));
    UpstreamCluster c = cluster("grpc", b, H2.withIdleTimeout(Duration.ofMillis(300)));
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(b.openConnections).hasValue(0));
    assertThat(counter("cluster.grpc.upstream_cx_idle_timeout")).isEqualTo(1);
  }

  @Test
  void maxRequestsPerConnectionAppliesToStreams() {
    TestBackend b = closing(TestBackend.http2OrFail("a", 0));
    UpstreamCluster c = cluster("grpc", b, H2.withMaxRequestsPerConnection(2));
    for (int i = 0; i < 6; i++) {
      assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status()).isEqualTo(200);
    }
    assertThat(b.connections).hasValue(3);
    // Each connection closed once its second (last allowed) stream ended.
    await().untilAsserted(() -> assertThat(b.openConnections).hasValue(0));
    assertThat(counter("cluster.grpc.upstream_cx_max_requests")).isEqualTo(3);
  }

  @Test
  void useDownstreamProtocolSpeaksHttp2ToHttp2Downstreams() {
    TestBackend b = closing(TestBackend.http2OrFail("a", 0));
    UpstreamCluster c = cluster("grpc", b, HttpProtocolOptions.of(UpstreamProtocolSelection.USE_DOWNSTREAM));
    Exchange x = finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_2));
    assertThat(x.stream.protocol()).isEqualTo(HttpProtocol.HTTP_2);
  }
}
