package io.trellis.proxy.upstream;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP server on 127.0.0.1, port 0, whose behaviour the path chooses:
 * {@code /ok}, {@code /close} (Connection: close), {@code /status/N}, {@code /bytes/N} (streamed,
 * noting whether the server ever saw its socket unwritable), {@code /die} (headers and part of a body,
 * then close), {@code /hold} (answered when {@link #releaseHeld()} is called).
 */
final class TestBackend implements AutoCloseable {
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger openConnections = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicBoolean sawUnwritable = new AtomicBoolean();
  private final List<Channel> held = new ArrayList<>();
  private final EventLoopGroup group;
  private final Channel server;
  final String name;

  private TestBackend(String name, boolean http2, int maxConcurrentStreams, SslContext tls) throws InterruptedException {
    this.name = name;
    this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    ServerBootstrap b = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            connections.incrementAndGet();
            openConnections.incrementAndGet();
            ch.closeFuture().addListener(f -> openConnections.decrementAndGet());
            if (tls != null) {
              ch.pipeline().addLast(tls.newHandler(ch.alloc()));
            }
            if (http2) {
              Http2Settings s = Http2Settings.defaultSettings();
              if (maxConcurrentStreams > 0) {
                s.maxConcurrentStreams(maxConcurrentStreams);
              }
              ch.pipeline().addLast(Http2FrameCodecBuilder.forServer().initialSettings(s)
                  .gracefulShutdownTimeoutMillis(0).build());
              ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel stream) {
                  stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                      new HttpObjectAggregator(1 << 20), new Handler());
                }
              }));
            } else {
              ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Handler());
            }
          }
        });
    server = b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
  }

  static TestBackend http1(String name) throws InterruptedException {
    return new TestBackend(name, false, 0, null);
  }

  static TestBackend http2(String name, int maxConcurrentStreams) throws InterruptedException {
    return new TestBackend(name, true, maxConcurrentStreams, null);
  }

  static TestBackend http2OrFail(String name, int maxConcurrentStreams) {
    try {
      return http2(name, maxConcurrentStreams);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  static TestBackend tls(String name, boolean http2, SslContext context) throws InterruptedException {
    return new TestBackend(name, http2, 0, context);
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** How many /hold requests wait. */
  int heldCount() {
    synchronized (held) {
      return held.size();
    }
  }

  void releaseHeld() {
    List<Channel> toAnswer;
    synchronized (held) {
      toAnswer = new ArrayList<>(held);
      held.clear();
    }
    for (Channel ch : toAnswer) {
      ch.eventLoop().execute(() -> ch.writeAndFlush(text(HttpResponseStatus.OK, "held " + name)));
    }
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    HttpUtil.setContentLength(r, r.content().readableBytes());
    return r;
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      requests.incrementAndGet();
      String path = req.uri();
      if (path.equals("/ok") || path.equals("/")) {
        ctx.writeAndFlush(text(HttpResponseStatus.OK, "ok " + name + " " + req.content().readableBytes()));
      } else if (path.equals("/close")) {
        FullHttpResponse r = text(HttpResponseStatus.OK, "bye");
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
      } else if (path.startsWith("/status/")) {
        ctx.writeAndFlush(text(HttpResponseStatus.valueOf(Integer.parseInt(path.substring(8))), "status"));
      } else if (path.startsWith("/bytes/")) {
        streamBytes(ctx, Integer.parseInt(path.substring(7)));
      } else if (path.equals("/die")) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpUtil.setContentLength(head, 1000);
        ctx.write(head);
        ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("partial", StandardCharsets.UTF_8)))
            .addListener(f -> (ctx.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel
                ? ctx.channel().parent() : ctx.channel()).close());
      } else if (path.startsWith("/headers/")) {
        FullHttpResponse r = text(HttpResponseStatus.OK, "many");
        for (int i = 0; i < Integer.parseInt(path.substring(9)); i++) {
          r.headers().add("x-h" + i, "v");
        }
        ctx.writeAndFlush(r);
      } else if (path.equals("/upgrade")) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        r.headers().set(HttpHeaderNames.UPGRADE, "websocket").set(HttpHeaderNames.CONNECTION, "Upgrade");
        ctx.writeAndFlush(r).addListener(f -> {
          var p = ctx.pipeline();
          p.remove(HttpServerCodec.class);
          p.remove(HttpObjectAggregator.class);
          p.addLast(new io.netty.channel.ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext c, Object msg) {
              c.writeAndFlush(msg); // echo the tunnel's bytes
            }
          });
          p.remove(this);
        });
      } else if (path.equals("/continue")) {
        ctx.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        ctx.flush();
        ctx.writeAndFlush(text(HttpResponseStatus.OK, "after continue"));
      } else if (path.equals("/trailers")) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/grpc");
        if (!(ctx.channel() instanceof io.netty.handler.codec.http2.Http2StreamChannel)) {
          HttpUtil.setTransferEncodingChunked(head, true);
        }
        ctx.write(head);
        ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("body", StandardCharsets.UTF_8)));
        io.netty.handler.codec.http.LastHttpContent last = new io.netty.handler.codec.http.DefaultLastHttpContent();
        last.trailingHeaders().set("grpc-status", "0");
        ctx.writeAndFlush(last);
      } else if (path.equals("/goaway")) {
        ctx.writeAndFlush(text(HttpResponseStatus.OK, "going away")).addListener(f ->
            ctx.channel().parent().writeAndFlush(
                new io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame(io.netty.handler.codec.http2.Http2Error.NO_ERROR)));
      } else if (path.equals("/hold")) {
        synchronized (held) {
          held.add(ctx.channel());
        }
      } else {
        ctx.writeAndFlush(text(HttpResponseStatus.NOT_FOUND, "no " + path));
      }
    }

    /** Streams n bytes (value i % 251 at offset i) in 16 KiB chunks, writing only while writable. */
    private void streamBytes(ChannelHandlerContext ctx, int n) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      HttpUtil.setContentLength(head, n);
      ctx.writeAndFlush(head);
      int[] sent = {0};
      Runnable[] pump = new Runnable[1];
      pump[0] = () -> {
        while (sent[0] < n) {
          if (!ctx.channel().isWritable()) {
            sawUnwritable.set(true);
            return; // resumed by channelWritabilityChanged
          }
          int len = Math.min(16384, n - sent[0]);
          ByteBuf chunk = ctx.alloc().buffer(len);
          for (int i = 0; i < len; i++) {
            chunk.writeByte((sent[0] + i) % 251);
          }
          sent[0] += len;
          if (sent[0] == n) {
            ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultLastHttpContent(chunk));
          } else {
            ctx.writeAndFlush(new DefaultHttpContent(chunk));
          }
        }
      };
      ctx.channel().attr(PUMP).set(pump[0]);
      pump[0].run();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      Runnable pump = ctx.channel().attr(PUMP).get();
      if (pump != null && ctx.channel().isWritable()) {
        pump.run();
      }
      ctx.fireChannelWritabilityChanged();
    }
  }

  private static final io.netty.util.AttributeKey<Runnable> PUMP = io.netty.util.AttributeKey.valueOf("pump");

  static boolean isLast(Object part) {
    return part instanceof LastHttpContent;
  }
}
