package io.trellis.proxy.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.trellis.proxy.net.Transport;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Health checks as HTTP/2 streams over cleartext (prior knowledge): gRPC checks, and HTTP checks with
 * {@code codec_client_type: HTTP2}. What a check sends and how its answer is judged is its
 * {@link Exchange}'s; this class owns the connections. With {@code reuse_connection} (Envoy's default)
 * one connection per host carries every check, each on its own stream, and a timed-out check resets
 * only its stream, as Envoy does; without it each check has its own connection. Confined to its loop.
 */
public final class Http2HealthProbe implements HealthProbe {
  /** The most of a response body an exchange is shown; a larger one is judged as cut off. */
  static final int MAX_BODY_BYTES = 64 * 1024;

  /** What one check sends on its stream, and what its answer means. */
  public interface Exchange {
    /** The request headers (pseudo-headers included). */
    Http2Headers requestHeaders();

    /** The request body, or {@code null} when the headers end the request. */
    ByteBuf requestBody(ByteBufAllocator alloc);

    /** Whether the exchange needs the response body ({@link #judge} sees it then). */
    boolean wantsBody();

    /**
     * The stream ended normally: judge it.
     *
     * @param headers the final (non-1xx) response headers
     * @param body the response body when {@link #wantsBody()}, else empty; {@code null} when it was
     *     larger than {@link #MAX_BODY_BYTES}
     * @param trailers the trailers, or {@code null} when the headers or the body ended the stream
     */
    ProbeOutcome judge(Http2Headers headers, byte[] body, Http2Headers trailers);
  }

  private final Transport transport;
  private final EventLoop loop;
  private final Exchange exchange;
  private final int connectTimeoutMillis;
  private final boolean reuse;
  private final KeptConnections kept = new KeptConnections();

  public Http2HealthProbe(Transport transport, EventLoop loop, Exchange exchange, int connectTimeoutMillis,
      boolean reuseConnection) {
    this.transport = transport;
    this.loop = loop;
    this.exchange = exchange;
    this.connectTimeoutMillis = Math.max(1, connectTimeoutMillis);
    this.reuse = reuseConnection;
  }

  @Override
  public Runnable start(InetSocketAddress target, Consumer<ProbeOutcome> done) {
    Check check = new Check(done);
    Channel open = kept.open(target);
    if (open != null) {
      check.connection = open;
      openStream(open, check);
      return check::cancel;
    }
    ChannelFuture connect = new Bootstrap()
        .group(loop)
        .channel(transport.channelType())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(
                Http2FrameCodecBuilder.forClient().initialSettings(Http2Settings.defaultSettings().pushEnabled(false)).build(),
                new Http2MultiplexHandler(new RefusePushes()));
          }
        })
        .connect(target);
    Channel ch = connect.channel();
    check.connection = ch;
    if (reuse) {
      kept.keep(target, ch);
    }
    connect.addListener(f -> {
      if (f.isSuccess()) {
        openStream(ch, check);
      } else {
        check.finish(ProbeOutcome.FAIL_NETWORK);
      }
    });
    ch.closeFuture().addListener(f -> check.finish(ProbeOutcome.FAIL_NETWORK));
    return check::cancel;
  }

  @Override
  public void forget(InetSocketAddress target) {
    kept.forget(target);
  }

  @Override
  public void close() {
    kept.closeAll();
  }

  private void openStream(Channel connection, Check check) {
    new Http2StreamChannelBootstrap(connection).handler(new ResponseHandler(check)).open()
        .addListener((Future<Http2StreamChannel> f) -> {
          if (!f.isSuccess()) {
            connection.close(); // no stream can be opened (GOAWAY, limits): start over next time
            check.finish(ProbeOutcome.FAIL_NETWORK);
            return;
          }
          Http2StreamChannel stream = f.getNow();
          check.stream = stream;
          ByteBuf body = exchange.requestBody(stream.alloc());
          stream.write(new DefaultHttp2HeadersFrame(exchange.requestHeaders(), body == null));
          if (body != null) {
            stream.write(new DefaultHttp2DataFrame(body, true));
          }
          stream.flush();
        });
  }

  /** One check in flight: its callback is called once, then the connection is kept or closed. */
  private final class Check {
    private Consumer<ProbeOutcome> waiting;
    Channel connection;
    Http2StreamChannel stream;

    Check(Consumer<ProbeOutcome> done) {
      this.waiting = done;
    }

    void finish(ProbeOutcome outcome) {
      Consumer<ProbeOutcome> w = waiting;
      if (w == null) {
        return;
      }
      waiting = null;
      if (!reuse && connection != null) {
        connection.close();
      }
      w.accept(outcome);
    }

    /** The check timed out: reset its stream (or give up the connection it was waiting for). */
    void cancel() {
      waiting = null;
      if (stream != null && reuse) {
        stream.close();
      } else if (connection != null) {
        connection.close();
      }
    }
  }

  private final class ResponseHandler extends ChannelInboundHandlerAdapter {
    private final Check check;
    private Http2Headers headers;
    private Http2Headers trailers;
    private ByteArrayOutputStream body = new ByteArrayOutputStream();

    ResponseHandler(Check check) {
      this.check = check;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        switch (msg) {
          case Http2HeadersFrame f -> {
            if (headers == null) {
              CharSequence status = f.headers().status();
              if (status != null && status.length() == 3 && status.charAt(0) == '1') {
                return; // informational: the answer is still to come
              }
              headers = f.headers();
            } else {
              trailers = f.headers();
            }
            if (f.isEndStream()) {
              complete(ctx);
            }
          }
          case Http2DataFrame f -> {
            if (exchange.wantsBody() && body != null) {
              ByteBuf data = f.content();
              if (body.size() + data.readableBytes() > MAX_BODY_BYTES) {
                body = null;
              } else {
                byte[] bytes = new byte[data.readableBytes()];
                data.readBytes(bytes);
                body.writeBytes(bytes);
              }
            }
            if (f.isEndStream()) {
              complete(ctx);
            }
          }
          case Http2ResetFrame ignored -> {
            check.finish(ProbeOutcome.FAIL_NETWORK);
            ctx.close();
          }
          default -> { }
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private void complete(ChannelHandlerContext ctx) {
      ProbeOutcome outcome = headers == null ? ProbeOutcome.FAIL_NETWORK
          : exchange.judge(headers, body == null ? null : body.toByteArray(), trailers);
      check.finish(outcome);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      check.finish(ProbeOutcome.FAIL_NETWORK); // reset or closed before the answer ended
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      check.finish(ProbeOutcome.FAIL_NETWORK);
      ctx.close();
    }
  }

  /** A health-check connection takes no streams from the host (push is off; this refuses anything else). */
  private static final class RefusePushes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      ctx.close();
    }
  }
}
