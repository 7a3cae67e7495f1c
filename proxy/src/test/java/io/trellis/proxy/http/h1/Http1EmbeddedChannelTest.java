package io.trellis.proxy.http.h1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.trellis.proxy.config.listener.CodecType;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.route.DirectResponseAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.ConnectionInfo;
import io.trellis.proxy.http.HttpCodecInstaller;
import io.trellis.proxy.http.HttpConnectionManager;
import io.trellis.proxy.http.filter.FilterContext;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.listener.Listeners;
import io.trellis.proxy.router.RouteTable;
import io.trellis.proxy.stats.StatsStore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The HTTP/1.1 connection handlers on an EmbeddedChannel: ordering, screening, release of every buffer. */
@ExtendWith(LeakCheck.class)
class Http1EmbeddedChannelTest {
  private final StatsStore stats = new StatsStore();

  private EmbeddedChannel channel() {
    RouteConfig routes = new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"), List.of(
        new Route("a", RouteMatch.prefix("/a"), new DirectResponseAction(200, "A")),
        new Route("b", RouteMatch.prefix("/b"), new DirectResponseAction(201, "B"))))));
    RouteTable table = RouteTable.compile(routes);
    HttpConnectionManagerConfig config = HttpConnectionManagerConfig.builder("emb").routeConfig(routes).codecType(CodecType.HTTP1).build();
    HttpConnectionManager hcm = HttpConnectionManager.compile("test", config, () -> table, Listeners.defaultFilters(),
        new FilterContext(name -> null, stats, "", Clock.systemUTC(), new Random(1)));
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.config().setAutoRead(false);
    ConnectionInfo info = new ConnectionInfo("l", new InetSocketAddress("127.0.0.1", 1234), new InetSocketAddress("127.0.0.1", 80),
        new InetSocketAddress("127.0.0.1", 80), "", "raw_buffer", false);
    HttpCodecInstaller.install(ch, hcm, info, "");
    return ch;
  }

  private static String drainOutbound(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    ch.runPendingTasks();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      sb.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return sb.toString();
  }

  @Test
  void pipelinedRequestsInOneBufferAreAnsweredInOrder() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer("GET /b HTTP/1.1\r\nHost: h\r\n\r\nPOST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n", StandardCharsets.US_ASCII));
    String out = drainOutbound(ch);
    assertThat(out.indexOf("HTTP/1.1 201")).isLessThan(out.indexOf("HTTP/1.1 200"));
    assertThat(out.lastIndexOf("HTTP/1.1 201")).isGreaterThan(out.indexOf("HTTP/1.1 200"));
    assertThat(out.split("HTTP/1.1 ", -1)).hasSize(4);
    assertThat(ch.isOpen()).isTrue();
    assertThat(stats.counters().get("http.emb.downstream_rq_total")).isEqualTo(3);
    ch.finishAndReleaseAll();
  }

  @Test
  void aHeadSplitAcrossReadsIsScreenedWhole() {
    EmbeddedChannel ch = channel();
    ch.writeInbound(Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nHost: h\r\nX-Long: a", StandardCharsets.US_ASCII));
    assertThat(drainOutbound(ch)).isEmpty();
    ch.writeInbound(Unpooled.copiedBuffer("\r\n folded\r\n\r\n", StandardCharsets.US_ASCII));
    String out = drainOutbound(ch);
    assertThat(out).startsWith("HTTP/1.1 400").contains("connection: close");
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }

  @Test
  void obsFoldInsideABodyIsJustBytes() {
    EmbeddedChannel ch = channel();
    // CRLF SP inside a content-length body and inside chunk data is not a folded header
    ch.writeInbound(Unpooled.copiedBuffer("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\n\r\nx\r\n yz"
        + "POST /b HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n\r\n\r\n\r\n0\r\n\r\n"
        + "GET /a HTTP/1.1\r\nHost: h\r\n\r\n", StandardCharsets.US_ASCII));
    String out = drainOutbound(ch);
    assertThat(out).doesNotContain("400");
    assertThat(out.split("HTTP/1.1 ", -1)).hasSize(4);
    ch.finishAndReleaseAll();
  }

  @Test
  void controlBytesDeepInLongHeaderValuesAreFoundAcrossScanBlocks() {
    // values longer than the screen's 2 KB scan block, with the offending byte past the first block
    String longValue = "v".repeat(5000);
    EmbeddedChannel ok = channel();
    ok.writeInbound(Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nHost: h\r\nX-Long: " + longValue + "\r\n\r\n", StandardCharsets.US_ASCII));
    assertThat(drainOutbound(ok)).startsWith("HTTP/1.1 200");
    ok.finishAndReleaseAll();
    for (String bad : List.of("\u0000", "\r", "\rx")) {
      EmbeddedChannel ch = channel();
      ch.writeInbound(Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nHost: h\r\nX-Long: " + longValue + bad + "tail\r\n\r\n",
          StandardCharsets.ISO_8859_1));
      assertThat(drainOutbound(ch)).as("value ending in %s", bad.replace("\r", "CR").replace("\u0000", "NUL")).startsWith("HTTP/1.1 400");
      assertThat(ch.isOpen()).isFalse();
      ch.finishAndReleaseAll();
    }
  }

  @Test
  void tooManyHeadersGet431() {
    EmbeddedChannel ch = channel();
    StringBuilder req = new StringBuilder("GET /a HTTP/1.1\r\nHost: h\r\n");
    for (int i = 0; i < 150; i++) {
      req.append("X-").append(i).append(": v\r\n");
    }
    ch.writeInbound(Unpooled.copiedBuffer(req.append("\r\n").toString(), StandardCharsets.US_ASCII));
    assertThat(drainOutbound(ch)).startsWith("HTTP/1.1 431");
    assertThat(ch.isOpen()).isFalse();
    ch.finishAndReleaseAll();
  }
}
