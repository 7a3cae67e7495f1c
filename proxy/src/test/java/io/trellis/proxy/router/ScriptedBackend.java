package io.trellis.proxy.router;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.trellis.proxy.net.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 backend on 127.0.0.1:0 that fails on command: each request takes the next scripted
 * {@link Action} (or the default one) — answer a status (optionally with headers), hang, close before
 * answering, close mid-response, or answer after a delay. It records what it received.
 */
final class ScriptedBackend implements AutoCloseable {

  /** What the backend does with one request. */
  record Action(Kind kind, int status, Map<String, String> headers, long delayMs) {
    static Action ok() {
      return new Action(Kind.RESPOND, 200, Map.of(), 0);
    }

    static Action status(int status) {
      return new Action(Kind.RESPOND, status, Map.of(), 0);
    }

    static Action status(int status, Map<String, String> headers) {
      return new Action(Kind.RESPOND, status, headers, 0);
    }

    static Action hang() {
      return new Action(Kind.HANG, 0, Map.of(), 0);
    }

    static Action closeBeforeResponse() {
      return new Action(Kind.CLOSE, 0, Map.of(), 0);
    }

    static Action closeMidResponse() {
      return new Action(Kind.CLOSE_MID_RESPONSE, 200, Map.of(), 0);
    }

    /** HTTP/2 only: RST_STREAM with REFUSED_STREAM. */
    static Action refuseStream() {
      return new Action(Kind.REFUSE_STREAM, 0, Map.of(), 0);
    }

    static Action delayed(long ms) {
      return new Action(Kind.RESPOND, 200, Map.of(), ms);
    }
  }

  enum Kind { RESPOND, HANG, CLOSE, CLOSE_MID_RESPONSE, REFUSE_STREAM }

  /** What the backend saw of one request. */
  record Seen(String uri, Map<String, String> headers, int bodyLength) {}

  final String name;
  final AtomicInteger requests = new AtomicInteger();
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  private final Queue<Action> script = new ConcurrentLinkedQueue<>();
  private volatile Action defaultAction = Action.ok();
  private final Channel server;

  ScriptedBackend(Transport transport, String name) {
    this(transport, name, false);
  }

  /** With {@code http2}, speaks h2c (prior knowledge) and each stream is a request. */
  ScriptedBackend(Transport transport, String name, boolean http2) {
    this.name = name;
    this.server = new ServerBootstrap()
        .group(transport.eventLoops())
        .channel(transport.serverChannelType())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (http2) {
              ch.pipeline().addLast(io.netty.handler.codec.http2.Http2FrameCodecBuilder.forServer().build(),
                  new io.netty.handler.codec.http2.Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel stream) {
                      stream.pipeline().addLast(new io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec(true),
                          new HttpObjectAggregator(64 * 1024 * 1024), new Handler());
                    }
                  }));
              return;
            }
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(64 * 1024 * 1024), new Handler());
          }
        })
        .bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  ScriptedBackend always(Action action) {
    defaultAction = action;
    return this;
  }

  ScriptedBackend then(Action... actions) {
    script.addAll(List.of(actions));
    return this;
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
      requests.incrementAndGet();
      Map<String, String> headers = new TreeMap<>();
      req.headers().forEach(e -> headers.merge(e.getKey().toLowerCase(), e.getValue(), (a, b) -> a + "," + b));
      seen.add(new Seen(req.uri(), headers, req.content().readableBytes()));
      Action a = script.poll();
      if (a == null) {
        a = defaultAction;
      }
      switch (a.kind()) {
        case HANG -> { }
        case CLOSE -> ctx.close();
        case REFUSE_STREAM -> ctx.writeAndFlush(
            new io.netty.handler.codec.http2.DefaultHttp2ResetFrame(io.netty.handler.codec.http2.Http2Error.REFUSED_STREAM));
        case CLOSE_MID_RESPONSE -> {
          HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
          r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 1000).set("x-backend", name);
          ctx.write(r);
          ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("partial", StandardCharsets.US_ASCII)))
              .addListener(f -> ctx.close());
        }
        case RESPOND -> {
          Action act = a;
          if (act.delayMs() > 0) {
            ctx.executor().schedule(() -> respond(ctx, act), act.delayMs(), TimeUnit.MILLISECONDS);
          } else {
            respond(ctx, act);
          }
        }
      }
    }

    private void respond(ChannelHandlerContext ctx, Action a) {
      byte[] body = ("backend " + name).getBytes(StandardCharsets.US_ASCII);
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(a.status()),
          Unpooled.wrappedBuffer(body));
      r.headers().set("x-backend", name).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      a.headers().forEach(r.headers()::set);
      ctx.writeAndFlush(r);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
