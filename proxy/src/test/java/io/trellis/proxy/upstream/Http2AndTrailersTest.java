package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.trellis.proxy.config.cluster.HttpProtocolOptions;
import io.trellis.proxy.config.cluster.UpstreamProtocolSelection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** What both protocols must do the same way: trailers, streamed request bodies; and HTTP/2's GOAWAY. */
class Http2AndTrailersTest extends UpstreamTestSupport {

  private UpstreamCluster cluster(TestBackend b, UpstreamProtocolSelection protocol) {
    clusters.applyClusters(List.of(staticCluster("c", b.port()).protocolOptions(HttpProtocolOptions.of(protocol)).build()));
    return clusters.cluster("c");
  }

  private TestBackend backend(UpstreamProtocolSelection protocol) throws InterruptedException {
    return closing(protocol == UpstreamProtocolSelection.HTTP2 ? TestBackend.http2("a", 0) : TestBackend.http1("a"));
  }

  @ParameterizedTest
  @EnumSource(value = UpstreamProtocolSelection.class, names = {"HTTP1", "HTTP2"})
  void trailersArriveOnTheLastPart(UpstreamProtocolSelection protocol) throws Exception {
    UpstreamCluster c = cluster(backend(protocol), protocol);
    Exchange x = finish(Exchange.start(c, loop, Exchange.get("/trailers"), HttpProtocol.HTTP_1_1));
    assertThat(x.text()).isEqualTo("body");
    assertThat(x.trailers.get("grpc-status")).isEqualTo("0");
  }

  @ParameterizedTest
  @EnumSource(value = UpstreamProtocolSelection.class, names = {"HTTP1", "HTTP2"})
  void informationalResponsesAreNotPassedOn(UpstreamProtocolSelection protocol) throws Exception {
    UpstreamCluster c = cluster(backend(protocol), protocol);
    for (int i = 0; i < 3; i++) {
      Exchange x = finish(Exchange.start(c, loop, Exchange.get("/continue"), HttpProtocol.HTTP_1_1));
      assertThat(x.status()).isEqualTo(200);
      assertThat(x.text()).isEqualTo("after continue");
    }
  }

  @ParameterizedTest
  @EnumSource(value = UpstreamProtocolSelection.class, names = {"HTTP1", "HTTP2"})
  void aRequestBodyStreamsInParts(UpstreamProtocolSelection protocol) throws Exception {
    UpstreamCluster c = cluster(backend(protocol), protocol);
    CompletableFuture<Exchange> result = new CompletableFuture<>();
    loop.execute(() -> {
      Host h = c.chooseHost(LoadBalancerContext.NONE);
      c.httpPool(h, loop, HttpProtocol.HTTP_1_1).newStream().addListener(f -> {
        UpstreamStream s = (UpstreamStream) f.getNow();
        Exchange x = Exchange.attach(s, loop);
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/ok");
        head.headers().set(HttpHeaderNames.HOST, "backend");
        HttpUtil.setContentLength(head, 3000);
        s.write(head, false);
        for (int i = 0; i < 2; i++) {
          s.write(new DefaultHttpContent(Unpooled.wrappedBuffer(new byte[1000])), true);
        }
        s.write(new DefaultLastHttpContent(Unpooled.wrappedBuffer(new byte[1000])), true);
        s.read();
        x.done.whenComplete((v, e) -> {
          if (e != null) {
            result.completeExceptionally(e);
          } else {
            result.complete(v);
          }
        });
      });
    });
    assertThat(result.get(10, java.util.concurrent.TimeUnit.SECONDS).body.toString(StandardCharsets.UTF_8))
        .isEqualTo("ok a 3000");
  }

  @Test
  void afterGoawayNoNewStreamsGoToThatConnection() throws Exception {
    TestBackend b = backend(UpstreamProtocolSelection.HTTP2);
    UpstreamCluster c = cluster(b, UpstreamProtocolSelection.HTTP2);
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/goaway"), HttpProtocol.HTTP_1_1)).text()).isEqualTo("going away");
    // With no streams left, the pool closes the connection the server said goodbye on...
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(b.openConnections).hasValue(0));
    // ...and the next request gets a new one.
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1)).status()).isEqualTo(200);
    assertThat(b.connections).hasValue(2);
  }

  @Test
  void aResetStreamClosesOnlyThatStream() throws Exception {
    TestBackend b = backend(UpstreamProtocolSelection.HTTP2);
    UpstreamCluster c = cluster(b, UpstreamProtocolSelection.HTTP2);
    Exchange held = Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1);
    Exchange other = Exchange.start(c, loop, Exchange.get("/hold"), HttpProtocol.HTTP_1_1);
    await().untilAsserted(() -> assertThat(b.heldCount()).isEqualTo(2));
    loop.execute(() -> held.stream.reset());
    await().untilAsserted(() -> assertThat(gauge("cluster.c.upstream_rq_active")).isEqualTo(1));
    b.releaseHeld();
    assertThat(finish(other).status()).isEqualTo(200);
    assertThat(held.done).isNotDone(); // no callback after reset
    assertThat(b.connections).hasValue(1);
  }
}
