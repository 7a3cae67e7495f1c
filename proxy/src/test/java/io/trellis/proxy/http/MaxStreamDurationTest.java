package io.trellis.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.trellis.proxy.config.listener.CodecType;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.HttpFilterConfig;
import io.trellis.proxy.config.route.DirectResponseAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.filter.FilterContext;
import io.trellis.proxy.http.filter.fault.FaultConfig;
import io.trellis.proxy.http.filter.fault.FaultFilterProvider;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.listener.Listeners;
import io.trellis.proxy.router.RouteTable;
import io.trellis.proxy.stats.StatsStore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The connection manager's max_stream_duration on an EmbeddedChannel with frozen time: a stream held
 * by a 60 s fault delay ends at exactly the configured duration, 504 when the request was in, 408 when not.
 */
@ExtendWith(LeakCheck.class)
class MaxStreamDurationTest {
  private final StatsStore stats = new StatsStore();

  private EmbeddedChannel channel(Duration maxStreamDuration) {
    RouteConfig routes = new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"), List.of(
        new Route("a", RouteMatch.prefix("/"), new DirectResponseAction(200, "A"))))));
    RouteTable table = RouteTable.compile(routes);
    FaultConfig hold = new FaultConfig(new FaultConfig.Delay(Duration.ofSeconds(60), null), null, List.of(), null);
    HttpConnectionManagerConfig config = HttpConnectionManagerConfig.builder("msd").routeConfig(routes)
        .codecType(CodecType.HTTP1).maxStreamDuration(maxStreamDuration)
        .httpFilters(List.of(new HttpFilterConfig("envoy.filters.http.fault", FaultFilterProvider.TYPE_URL, hold, false),
            HttpFilterConfig.router()))
        .build();
    HttpConnectionManager hcm = HttpConnectionManager.compile("test", config, () -> table, Listeners.defaultFilters(),
        new FilterContext(name -> null, stats, "", Clock.systemUTC(), new Random(1)));
    EmbeddedChannel ch = new EmbeddedChannel();
    ch.freezeTime();
    ch.config().setAutoRead(false);
    ConnectionInfo info = new ConnectionInfo("l", new InetSocketAddress("127.0.0.1", 1234),
        new InetSocketAddress("127.0.0.1", 80), new InetSocketAddress("127.0.0.1", 80), "", "raw_buffer", false);
    HttpCodecInstaller.install(ch, hcm, info, "");
    return ch;
  }

  private static String drain(EmbeddedChannel ch) {
    StringBuilder sb = new StringBuilder();
    ch.runPendingTasks();
    ByteBuf b;
    while ((b = ch.readOutbound()) != null) {
      sb.append(b.toString(StandardCharsets.ISO_8859_1));
      b.release();
    }
    return sb.toString();
  }

  private static void advance(EmbeddedChannel ch, long millis) {
    ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    ch.runScheduledPendingTasks();
  }

  @Test
  void aReceivedRequestStillWaitingGets504AtTheDuration() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(2));
    ch.writeInbound(Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nHost: h\r\n\r\n", StandardCharsets.US_ASCII));
    assertThat(drain(ch)).isEmpty();
    advance(ch, 1999);
    assertThat(drain(ch)).isEmpty();
    advance(ch, 1);
    String out = drain(ch);
    assertThat(out).startsWith("HTTP/1.1 504").endsWith("downstream duration timeout");
    assertThat(stats.counters().get("http.msd.downstream_rq_max_duration_reached")).isEqualTo(1);
    ch.finishAndReleaseAll();
  }

  @Test
  void aRequestStillArrivingGets408() {
    EmbeddedChannel ch = channel(Duration.ofSeconds(1));
    ch.writeInbound(Unpooled.copiedBuffer("POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nhalf", StandardCharsets.US_ASCII));
    advance(ch, 1000);
    assertThat(drain(ch)).startsWith("HTTP/1.1 408");
    assertThat(stats.counters().get("http.msd.downstream_rq_max_duration_reached")).isEqualTo(1);
    ch.finishAndReleaseAll();
  }

  @Test
  void zeroDisablesIt() {
    EmbeddedChannel ch = channel(Duration.ZERO);
    ch.writeInbound(Unpooled.copiedBuffer("GET /a HTTP/1.1\r\nHost: h\r\n\r\n", StandardCharsets.US_ASCII));
    advance(ch, 59_999);
    assertThat(drain(ch)).isEmpty();
    advance(ch, 1);
    assertThat(drain(ch)).startsWith("HTTP/1.1 200"); // the fault delay ran its course
    assertThat(stats.counters().getOrDefault("http.msd.downstream_rq_max_duration_reached", 0L)).isZero();
    ch.finishAndReleaseAll();
  }
}
