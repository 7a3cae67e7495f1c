package io.trellis.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.trellis.proxy.config.cluster.Http2Options;
import io.trellis.proxy.config.cluster.HttpProtocolOptions;
import io.trellis.proxy.config.cluster.TcpKeepalive;
import io.trellis.proxy.config.cluster.UpstreamProtocolSelection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ConnectionOptionsTest extends UpstreamTestSupport {

  @Test
  void keepaliveAndBufferLimitReachTheSocket() throws Exception {
    TestBackend b = closing(TestBackend.http1("a"));
    clusters.applyClusters(List.of(staticCluster("opts", b.port())
        .tcpKeepalive(new TcpKeepalive(3, 30, 5)).perConnectionBufferLimitBytes(32768).build()));
    UpstreamCluster c = clusters.cluster("opts");
    Channel ch = c.connectTcp(c.chooseHost(LoadBalancerContext.NONE), loop).get();
    try {
      assertThat(ch.config().getOption(ChannelOption.SO_KEEPALIVE)).isTrue();
      assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
      assertThat(ch.config().getWriteBufferHighWaterMark()).isEqualTo(32768);
      if (transport.nativeEpoll()) {
        assertThat(ch.config().getOption(EpollChannelOption.TCP_KEEPIDLE)).isEqualTo(30);
        assertThat(ch.config().getOption(EpollChannelOption.TCP_KEEPINTVL)).isEqualTo(5);
        assertThat(ch.config().getOption(EpollChannelOption.TCP_KEEPCNT)).isEqualTo(3);
      }
    } finally {
      ch.close().sync();
    }
  }

  @ParameterizedTest
  @EnumSource(value = UpstreamProtocolSelection.class, names = {"HTTP1", "HTTP2"})
  void responsesOverTheHeaderCountLimitAreProtocolErrors(UpstreamProtocolSelection protocol) throws Exception {
    TestBackend b = closing(protocol == UpstreamProtocolSelection.HTTP2 ? TestBackend.http2("a", 0) : TestBackend.http1("a"));
    HttpProtocolOptions options = new HttpProtocolOptions(protocol, Duration.ofHours(1), 0, 20, Http2Options.DEFAULT);
    clusters.applyClusters(List.of(staticCluster("strict", b.port()).protocolOptions(options).build()));
    UpstreamCluster c = clusters.cluster("strict");
    assertThat(finish(Exchange.start(c, loop, Exchange.get("/headers/5"), HttpProtocol.HTTP_1_1)).text()).isEqualTo("many");
    UpstreamFailure f = failureOf(Exchange.start(c, loop, Exchange.get("/headers/40"), HttpProtocol.HTTP_1_1));
    assertThat(f.reason()).isEqualTo(UpstreamFailure.Reason.PROTOCOL_ERROR);
    assertThat(f.getMessage()).contains("(expected: at most 20)");
  }

  @ParameterizedTest
  @EnumSource(value = UpstreamProtocolSelection.class, names = {"HTTP1", "HTTP2"})
  void manyConcurrentRequestsAllComplete(UpstreamProtocolSelection protocol) throws Exception {
    TestBackend b = closing(protocol == UpstreamProtocolSelection.HTTP2 ? TestBackend.http2("a", 0) : TestBackend.http1("a"));
    clusters.applyClusters(List.of(staticCluster("busy", b.port()).protocolOptions(HttpProtocolOptions.of(protocol)).build()));
    UpstreamCluster c = clusters.cluster("busy");
    for (int round = 0; round < 3; round++) {
      List<Exchange> all = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        all.add(Exchange.start(c, loop, Exchange.get("/ok"), HttpProtocol.HTTP_1_1));
      }
      for (Exchange x : all) {
        assertThat(finish(x).text()).isEqualTo("ok a 0");
      }
    }
    assertThat(b.requests).hasValue(300);
    // Later rounds reuse what the first opened.
    assertThat(b.connections.get()).isLessThanOrEqualTo(protocol == UpstreamProtocolSelection.HTTP2 ? 1 : 100);
    assertThat(gauge("cluster.busy.upstream_rq_active")).isZero();
    assertThat(gauge("cluster.busy.upstream_rq_pending_active")).isZero();
    assertThat(clusters.view("busy").hosts().getFirst().rqSuccess()).isEqualTo(300);
  }
}
