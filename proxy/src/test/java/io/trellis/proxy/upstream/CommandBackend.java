package io.trellis.proxy.upstream;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.trellis.proxy.net.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 backend on 127.0.0.1:0 whose behaviour the test switches while it runs: answer normally,
 * answer 503, hang (never answer), or reset (close the connection on every request). Its health path
 * ({@code /healthz}) follows a separate switch, so active health checks can fail while traffic would
 * not. {@code /delay/MS} answers after MS milliseconds. Counts traffic and health requests apart.
 */
final class CommandBackend implements AutoCloseable {
  enum Mode { OK, FAIL_503, HANG, RESET }

  final String name;
  final AtomicInteger trafficRequests = new AtomicInteger();
  final AtomicInteger healthRequests = new AtomicInteger();
  final AtomicInteger connections = new AtomicInteger();
  volatile Mode mode = Mode.OK;
  volatile Mode healthMode = Mode.OK;
  private final Channel server;

  CommandBackend(Transport transport, String name) {
    this.name = name;
    this.server = new ServerBootstrap()
        .group(transport.eventLoops())
        .channel(transport.serverChannelType())
        .childOption(ChannelOption.AUTO_READ, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            connections.incrementAndGet();
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
          }
        })
        .bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      boolean health = req.uri().startsWith("/healthz");
      (health ? healthRequests : trafficRequests).incrementAndGet();
      Mode m = health ? healthMode : mode;
      boolean keepAlive = HttpUtil.isKeepAlive(req);
      switch (m) {
        case HANG -> {}
        case RESET -> ctx.close();
        case FAIL_503 -> respond(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, keepAlive);
        case OK -> {
          if (req.uri().startsWith("/delay/")) {
            long ms = Long.parseLong(req.uri().substring(7));
            ctx.executor().schedule(() -> respond(ctx, HttpResponseStatus.OK, keepAlive), ms, TimeUnit.MILLISECONDS);
          } else {
            respond(ctx, HttpResponseStatus.OK, keepAlive);
          }
        }
      }
    }

    private void respond(ChannelHandlerContext ctx, HttpResponseStatus status, boolean keepAlive) {
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(name, StandardCharsets.US_ASCII));
      r.headers().set("x-backend", name);
      HttpUtil.setContentLength(r, r.content().readableBytes());
      HttpUtil.setKeepAlive(r, keepAlive);
      ctx.writeAndFlush(r);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
