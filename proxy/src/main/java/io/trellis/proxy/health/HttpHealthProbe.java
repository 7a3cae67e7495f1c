package io.trellis.proxy.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.trellis.proxy.config.cluster.HealthCheck;
import io.trellis.proxy.net.Transport;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * An HTTP/1.1 health check: {@code GET path} with the configured Host and headers on a fresh
 * connection, judged by the response status; the body is read and dropped. One connection per check
 * ({@code Connection: close}) — simpler than Envoy's reused connection and equally strict.
 */
public final class HttpHealthProbe implements HealthProbe {
  private final Transport transport;
  private final EventLoop loop;
  private final HealthCheck.Http config;
  private final String host;
  private final int connectTimeoutMillis;

  /**
   * @param defaultHost the Host header when the check names none (Envoy uses the cluster's name)
   */
  public HttpHealthProbe(Transport transport, EventLoop loop, HealthCheck.Http config, String defaultHost,
      int connectTimeoutMillis) {
    this.transport = transport;
    this.loop = loop;
    this.config = config;
    this.host = config.host().isEmpty() ? defaultHost : config.host();
    this.connectTimeoutMillis = Math.max(1, connectTimeoutMillis);
  }

  @Override
  public Runnable start(InetSocketAddress target, Consumer<ProbeOutcome> done) {
    boolean[] reported = new boolean[1];
    Consumer<ProbeOutcome> once = outcome -> {
      if (!reported[0]) {
        reported[0] = true;
        done.accept(outcome);
      }
    };
    ChannelFuture connect = new Bootstrap()
        .group(loop)
        .channel(transport.channelType())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), new ResponseHandler(once));
          }
        })
        .connect(target);
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        once.accept(ProbeOutcome.FAIL_NETWORK);
        return;
      }
      FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, config.path(),
          Unpooled.EMPTY_BUFFER);
      req.headers().set(HttpHeaderNames.HOST, host)
          .set(HttpHeaderNames.USER_AGENT, "Envoy/HC")
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
          .set(HttpHeaderNames.CONTENT_LENGTH, 0);
      config.requestHeaders().forEach((k, v) -> req.headers().set(k, v));
      connect.channel().writeAndFlush(req);
    });
    connect.channel().closeFuture().addListener(f -> once.accept(ProbeOutcome.FAIL_NETWORK));
    return () -> connect.channel().close();
  }

  private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final Consumer<ProbeOutcome> done;
    private ProbeOutcome outcome;

    ResponseHandler(Consumer<ProbeOutcome> done) {
      this.done = done;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg.decoderResult().isFailure()) {
        ctx.close(); // a malformed answer is no answer
        return;
      }
      if (msg instanceof HttpResponse r) {
        int status = r.status().code();
        if (status >= 100 && status < 200) {
          return;
        }
        outcome = config.expected(status) ? ProbeOutcome.PASS
            : config.retriable(status) ? ProbeOutcome.FAIL_NETWORK : ProbeOutcome.FAIL_ACTIVE;
      }
      if (msg instanceof LastHttpContent && outcome != null) {
        done.accept(outcome);
        ctx.close();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
