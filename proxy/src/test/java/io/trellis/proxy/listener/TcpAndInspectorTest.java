package io.trellis.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.trellis.proxy.config.listener.FilterChainConfig;
import io.trellis.proxy.config.listener.FilterChainMatch;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.listener.ListenerFilter;
import io.trellis.proxy.config.listener.TcpProxyConfig;
import io.trellis.proxy.config.route.DirectResponseAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.http.testing.ProxyFixture;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** tcp_proxy (echo, weights, idle timeout) and listener filters choosing chains by SNI and protocol. */
@ExtendWith(LeakCheck.class)
class TcpAndInspectorTest {

  /** A TCP server that echoes bytes back prefixed by its name once per connection. */
  static final class EchoServer implements AutoCloseable {
    final Channel channel;
    final AtomicInteger connections = new AtomicInteger();

    EchoServer(ProxyFixture f, String name) {
      channel = new ServerBootstrap().group(f.transport.eventLoops()).channel(f.transport.serverChannelType())
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              connections.incrementAndGet();
              ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                boolean greeted;

                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                  if (!greeted) {
                    greeted = true;
                    ctx.write(ctx.alloc().buffer().writeBytes((name + ":").getBytes(StandardCharsets.US_ASCII)));
                  }
                  ctx.writeAndFlush(msg);
                }
              });
            }
          }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    InetSocketAddress address() {
      return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
      channel.close().syncUninterruptibly();
    }
  }

  private static String roundTrip(int port, byte[] send, int expect) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(send);
      s.getOutputStream().flush();
      return new String(s.getInputStream().readNBytes(expect), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void tcpProxyEchoesBothWaysWithBackPressureOnALargeTransfer() throws Exception {
    try (ProxyFixture f = new ProxyFixture(); EchoServer echo = new EchoServer(f, "e")) {
      f.clusters.put("echo", echo.address());
      f.listeners.applyListeners(List.of(ListenerConfig.builder("tcp", "127.0.0.1", 0)
          .filterChains(List.of(new FilterChainConfig("tcp", null, new TcpProxyConfig("tcp_echo", "echo")))).build()));
      int port = f.listeners.boundPort("tcp");
      assertThat(roundTrip(port, "hello".getBytes(StandardCharsets.US_ASCII), 7)).isEqualTo("e:hello");
      byte[] big = new byte[4 * 1024 * 1024];
      new Random(3).nextBytes(big);
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(20_000);
        Thread writer = Thread.ofVirtual().start(() -> {
          try {
            OutputStream out = s.getOutputStream();
            out.write(big);
            out.flush();
          } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
          }
        });
        InputStream in = s.getInputStream();
        byte[] got = in.readNBytes(2 + big.length);
        writer.join(20_000);
        assertThat(got.length).isEqualTo(2 + big.length);
        assertThat(java.util.Arrays.equals(got, 2, got.length, big, 0, big.length)).isTrue();
      }
      assertThat(f.counter("tcp.tcp_echo.downstream_cx_total")).isEqualTo(2);
    }
  }

  @Test
  void tcpProxyWeightedClustersAndIdleTimeout() throws Exception {
    try (ProxyFixture f = new ProxyFixture(); EchoServer a = new EchoServer(f, "a"); EchoServer b = new EchoServer(f, "b")) {
      f.clusters.put("a", a.address());
      f.clusters.put("b", b.address());
      f.listeners.applyListeners(List.of(ListenerConfig.builder("tcp", "127.0.0.1", 0)
          .filterChains(List.of(new FilterChainConfig("tcp", null, new TcpProxyConfig("tcp_w", null,
              List.of(new TcpProxyConfig.WeightedCluster("a", 1), new TcpProxyConfig.WeightedCluster("b", 3)), Duration.ofMillis(300))))).build()));
      int port = f.listeners.boundPort("tcp");
      Map<String, Integer> counts = new HashMap<>();
      for (int i = 0; i < 200; i++) {
        counts.merge(roundTrip(port, "x".getBytes(StandardCharsets.US_ASCII), 3).substring(0, 1), 1, Integer::sum);
      }
      assertThat(counts.get("a")).isBetween(30, 70);
      assertThat(counts.get("b")).isBetween(130, 170);
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write('x');
        assertThat(new String(s.getInputStream().readNBytes(3), StandardCharsets.US_ASCII)).endsWith(":x");
        long start = System.nanoTime();
        assertThat(s.getInputStream().read()).as("closed by the idle timeout").isEqualTo(-1);
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(150L, 5000L);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> f.counter("tcp.tcp_w.idle_timeout") >= 1);
    }
  }

  @Test
  void originalDstWithoutARedirectFallsBackToTheLocalAddressForChainMatching() throws Exception {
    try (ProxyFixture f = new ProxyFixture(); EchoServer right = new EchoServer(f, "right"); EchoServer wrong = new EchoServer(f, "wrong")) {
      f.clusters.put("right", right.address());
      f.clusters.put("wrong", wrong.address());
      f.listeners.applyListeners(List.of(ListenerConfig.builder("odst", "127.0.0.1", 0)
          .listenerFilters(List.of(ListenerFilter.ORIGINAL_DST))
          .filterChains(List.of(new FilterChainConfig("other-port", FilterChainMatch.destinationPort(1), new TcpProxyConfig("w", "wrong"))))
          .defaultFilterChain(new FilterChainConfig("default", null, new TcpProxyConfig("r", "right")))
          .build()));
      int port = f.listeners.boundPort("odst");
      // no iptables redirect here: the kernel has no original destination, so the local port (not 1) is matched
      assertThat(roundTrip(port, "ping".getBytes(StandardCharsets.US_ASCII), 10)).isEqualTo("right:ping");
      // a chain for the real local port wins over the default (named "wrong" only for the first half)
      f.listeners.applyListeners(List.of(ListenerConfig.builder("odst", "127.0.0.1", 0)
          .listenerFilters(List.of(ListenerFilter.ORIGINAL_DST))
          .filterChains(List.of(new FilterChainConfig("this-port", FilterChainMatch.destinationPort(port), new TcpProxyConfig("w", "wrong"))))
          .defaultFilterChain(new FilterChainConfig("default", null, new TcpProxyConfig("r", "right")))
          .build()));
      assertThat(f.listeners.boundPort("odst")).isEqualTo(port);
      assertThat(roundTrip(port, "ping".getBytes(StandardCharsets.US_ASCII), 10)).isEqualTo("wrong:ping");
    }
  }

  /** A real TLS ClientHello with SNI and ALPN, made by the JDK's TLS engine. */
  static byte[] clientHello(String sni, String... alpn) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, null, null);
    SSLEngine engine = ctx.createSSLEngine(sni, 443);
    engine.setUseClientMode(true);
    SSLParameters p = engine.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(sni)));
    p.setApplicationProtocols(alpn);
    engine.setSSLParameters(p);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] bytes = new byte[out.remaining()];
    out.get(bytes);
    return bytes;
  }

  @Test
  void tlsInspectorRoutesBySniWithoutTerminatingTls() throws Exception {
    try (ProxyFixture f = new ProxyFixture(); EchoServer exact = new EchoServer(f, "exact");
        EchoServer wild = new EchoServer(f, "wild"); EchoServer plain = new EchoServer(f, "plain")) {
      f.clusters.put("exact", exact.address());
      f.clusters.put("wild", wild.address());
      f.clusters.put("plain", plain.address());
      f.listeners.applyListeners(List.of(ListenerConfig.builder("sni", "127.0.0.1", 0)
          .listenerFilters(List.of(ListenerFilter.TLS_INSPECTOR))
          .filterChains(List.of(
              new FilterChainConfig("exact", FilterChainMatch.ANY.withServerNames(List.of("api.example.com")), new TcpProxyConfig("exact", "exact")),
              new FilterChainConfig("wild", FilterChainMatch.ANY.withServerNames(List.of("*.example.com")).withApplicationProtocols(List.of("h2")),
                  new TcpProxyConfig("wild", "wild")),
              new FilterChainConfig("plain", FilterChainMatch.ANY.withTransportProtocol("raw_buffer"), new TcpProxyConfig("plain", "plain"))))
          .build()));
      int port = f.listeners.boundPort("sni");
      byte[] hello = clientHello("api.example.com", "h2");
      // the whole ClientHello reaches the backend untouched, after the backend's prefix
      String viaExact = roundTrip(port, hello, "exact:".length() + hello.length);
      assertThat(viaExact).startsWith("exact:");
      assertThat(viaExact.substring(6).getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(hello);
      assertThat(roundTrip(port, clientHello("www.example.com", "h2"), 5)).isEqualTo("wild:");
      assertThat(roundTrip(port, "not tls".getBytes(StandardCharsets.US_ASCII), 6)).isEqualTo("plain:");
      // www.example.com without ALPN h2 matches no chain: the connection is closed
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write(clientHello("www.example.com", "http/1.1"));
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(f.counter("listener.127.0.0.1_" + port + ".no_filter_chain_match")).isEqualTo(1);
    }
  }

  @Test
  void httpInspectorSeparatesHttp1FromPriorKnowledgeHttp2() {
    try (ProxyFixture f = new ProxyFixture()) {
      RouteConfig one = new RouteConfig("r1", List.of(new VirtualHostConfig("vh", List.of("*"),
          List.of(new Route("all", RouteMatch.prefix("/"), new DirectResponseAction(200, "chain-h1"))))));
      RouteConfig two = new RouteConfig("r2", List.of(new VirtualHostConfig("vh", List.of("*"),
          List.of(new Route("all", RouteMatch.prefix("/"), new DirectResponseAction(200, "chain-h2c"))))));
      f.listeners.applyListeners(List.of(ListenerConfig.builder("insp", "127.0.0.1", 0)
          .listenerFilters(List.of(ListenerFilter.HTTP_INSPECTOR))
          .filterChains(List.of(
              new FilterChainConfig("h1", FilterChainMatch.ANY.withApplicationProtocols(List.of("http/1.1", "http/1.0")),
                  HttpConnectionManagerConfig.builder("h1").routeConfig(one).build()),
              new FilterChainConfig("h2", FilterChainMatch.ANY.withApplicationProtocols(List.of("h2c")),
                  HttpConnectionManagerConfig.builder("h2").routeConfig(two).build())))
          .build()));
      String base = "http://127.0.0.1:" + f.listeners.boundPort("insp") + "/";
      assertThat(Curl.run(base).body()).isEqualTo("chain-h1");
      assertThat(Curl.run("--http2-prior-knowledge", base).body()).isEqualTo("chain-h2c");
    }
  }
}
