package io.trellis.cli;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.trellis.proxy.bootstrap.BootstrapException;
import io.trellis.proxy.bootstrap.BootstrapLoader;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.server.ProxyServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The training run of {@code trellis proxy}'s AOT cache (JDK 25, JEP 483/514/515): the launcher runs
 * {@code trellis proxy --aot-training} once per build under {@code -XX:AOTCacheOutput}, and every later
 * {@code trellis proxy} starts with the classes this run loaded already parsed and linked, and with
 * the method profiles it gathered. So the run takes the path a real proxy takes — an Envoy bootstrap
 * file read by {@link BootstrapLoader}, {@link ProxyServer} started with the command's options — and
 * then proxies a bounded HTTP/1.1 workload (keep-alive GETs and streamed POSTs) to an origin on
 * loopback, and stops.
 *
 * <p>The origin and the client are Netty's HTTP/1.1 codecs on an event loop of their own, not the
 * JDK's HTTP server and {@code HttpURLConnection}: every class the training loads goes into the cache
 * and is loaded by every proxy at start (AOT-linked classes are), and Netty's classes are the proxy's
 * own, while the JDK's HTTP client and server brought about 150 classes (and time-zone data for their
 * Date headers) that a proxy never uses.
 */
final class AotTraining {
  static final int GETS = 2000;
  static final int POSTS = 50;
  private static final Duration TIME_LIMIT = Duration.ofSeconds(60);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final byte[] ONE_KB = "x".repeat(1024).getBytes(StandardCharsets.US_ASCII);
  private static final byte[] UPLOAD_CHUNK = "x".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);
  private static final int UPLOAD_CHUNKS = 4;

  private AotTraining() {}

  /** Returns the exit code: 0 when every request was proxied with a 200. */
  static int run(ProxyServer.Options options, PrintWriter err) throws IOException, InterruptedException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    Path dir = Files.createTempDirectory("trellis-aot-training-");
    ProxyServer proxy = null;
    try (Transport loop = Transport.create(1, "trellis-aot-training")) {
      Channel origin = origin(loop, loopback);
      Path file = dir.resolve("bootstrap.yaml");
      Files.writeString(file, bootstrap(((InetSocketAddress) origin.localAddress()).getPort()));
      proxy = ProxyServer.start(BootstrapLoader.load(file), file.toString(), options);
      InetSocketAddress listener = new InetSocketAddress(loopback, proxy.listenerPort("training"));
      long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
      int ok = 0;
      Client client = null;
      for (int i = 0; i < GETS + POSTS && System.nanoTime() < deadline; i++) {
        boolean post = i % ((GETS + POSTS) / POSTS) == 0;
        if (client == null || !client.channel.isActive()) {
          client = Client.connect(loop, listener);
        }
        if (client.request(post) == 200) {
          ok++;
        }
      }
      if (client != null) {
        client.channel.close().syncUninterruptibly();
      }
      origin.close().syncUninterruptibly();
      err.println("trellis proxy: AOT training proxied " + ok + " of " + (GETS + POSTS) + " requests");
      err.flush();
      return ok == GETS + POSTS ? 0 : 1;
    } catch (BootstrapException e) {
      throw new IllegalStateException("the training bootstrap does not load: " + e.getMessage(), e);
    } finally {
      if (proxy != null) {
        proxy.close();
      }
      Files.deleteIfExists(dir.resolve("bootstrap.yaml"));
      Files.deleteIfExists(dir);
    }
  }

  /** An origin answering every request, once its body is read, with 1 KB. */
  private static Channel origin(Transport loop, InetAddress address) throws InterruptedException {
    return new ServerBootstrap()
        .group(loop.eventLoops())
        .channel(loop.serverChannelType())
        .childHandler(
            new ChannelInitializer<>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20))
                    .addLast(
                        new SimpleChannelInboundHandler<FullHttpRequest>() {
                          @Override
                          protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                            FullHttpResponse response =
                                new DefaultFullHttpResponse(
                                    HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(ONE_KB));
                            HttpUtil.setContentLength(response, ONE_KB.length);
                            ctx.writeAndFlush(response);
                          }
                        });
              }
            })
        .bind(new InetSocketAddress(address, 0))
        .sync()
        .channel();
  }

  /** One keep-alive HTTP/1.1 connection to the proxy, one request at a time. */
  private static final class Client {
    final Channel channel;
    private volatile CompletableFuture<Integer> pending;

    private Client(Channel channel) {
      this.channel = channel;
    }

    static Client connect(Transport loop, InetSocketAddress address) throws InterruptedException {
      Client[] client = new Client[1];
      Channel channel =
          new Bootstrap()
              .group(loop.eventLoops())
              .channel(loop.channelType())
              .handler(
                  new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ch.pipeline()
                          .addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20))
                          .addLast(
                              new SimpleChannelInboundHandler<FullHttpResponse>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
                                  client[0].pending.complete(response.status().code());
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                  CompletableFuture<Integer> p = client[0].pending;
                                  if (p != null) {
                                    p.completeExceptionally(new IOException("the proxy closed the connection"));
                                  }
                                }
                              });
                    }
                  })
              .connect(address)
              .sync()
              .channel();
      client[0] = new Client(channel);
      return client[0];
    }

    /** The response's status, or -1 when none came within the timeout. */
    int request(boolean post) throws InterruptedException {
      CompletableFuture<Integer> response = new CompletableFuture<>();
      pending = response;
      if (post) {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/train");
        head.headers().set(HttpHeaderNames.HOST, "training").set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        channel.write(head);
        for (int k = 0; k < UPLOAD_CHUNKS; k++) {
          channel.write(new DefaultHttpContent(Unpooled.wrappedBuffer(UPLOAD_CHUNK)));
        }
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      } else {
        FullHttpRequest get = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/train");
        get.headers().set(HttpHeaderNames.HOST, "training");
        channel.writeAndFlush(get);
      }
      try {
        return response.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException e) {
        channel.close();
        return -1;
      }
    }
  }

  /** The shape of the benchmark's and a sidecar's inbound path: one HTTP listener routing to a STATIC cluster. */
  static String bootstrap(int originPort) {
    return """
        node: {id: aot-training, cluster: aot-training}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
        static_resources:
          listeners:
          - name: training
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: training
                  codec_type: AUTO
                  route_config:
                    name: training
                    virtual_hosts:
                    - name: origin
                      domains: ["*"]
                      routes:
                      - match: {prefix: "/"}
                        route: {cluster: origin}
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
          clusters:
          - name: origin
            type: STATIC
            connect_timeout: 5s
            load_assignment:
              cluster_name: origin
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """
        .formatted(originPort);
  }
}
