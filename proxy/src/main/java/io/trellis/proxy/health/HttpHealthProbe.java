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
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.trellis.proxy.config.cluster.HealthCheck;
import io.trellis.proxy.net.Transport;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An HTTP/1.1 health check: {@code GET path} with the configured Host and headers, judged by the
 * response status; the body is read and dropped. With {@code reuse_connection} (Envoy's default) the
 * connection to a host is kept between checks while the host keeps it alive, else each check has its own; a check that times out
 * closes it, so the next check starts clean. Confined to its event loop.
 */
public final class HttpHealthProbe implements HealthProbe {
  private final Transport transport;
  private final EventLoop loop;
  private final HealthCheck.Http config;
  private final String host;
  private final int connectTimeoutMillis;
  private final KeptConnections kept = new KeptConnections();
  private final boolean reuse;

  /**
   * @param defaultHost the Host header when the check names none (Envoy uses the cluster's name)
   */
  public HttpHealthProbe(Transport transport, EventLoop loop, HealthCheck.Http config, String defaultHost,
      int connectTimeoutMillis, boolean reuseConnection) {
    this.reuse = reuseConnection;
    this.transport = transport;
    this.loop = loop;
    this.config = config;
    this.host = config.host().isEmpty() ? defaultHost : config.host();
    this.connectTimeoutMillis = Math.max(1, connectTimeoutMillis);
  }

  @Override
  public Runnable start(InetSocketAddress target, Consumer<ProbeOutcome> done) {
    Channel open = kept.open(target);
    kept.release(target); // in use: a connection is kept again only when its answer allows it
    if (open != null) {
      ResponseHandler handler = open.pipeline().get(ResponseHandler.class);
      handler.await(done);
      send(open);
      return open::close;
    }
    ResponseHandler handler = new ResponseHandler(target);
    handler.await(done);
    ChannelFuture connect = new Bootstrap()
        .group(loop)
        .channel(transport.channelType())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpClientCodec(), handler);
          }
        })
        .connect(target);
    Channel ch = connect.channel();
    ch.closeFuture().addListener(f -> handler.finish(ProbeOutcome.FAIL_NETWORK));
    connect.addListener(f -> {
      if (f.isSuccess()) {
        send(ch);
      } else {
        handler.finish(ProbeOutcome.FAIL_NETWORK);
      }
    });
    return ch::close;
  }

  @Override
  public void forget(InetSocketAddress target) {
    kept.forget(target);
  }

  @Override
  public void close() {
    kept.closeAll();
  }

  private void send(Channel ch) {
    FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, config.path(),
        Unpooled.EMPTY_BUFFER);
    req.headers().set(HttpHeaderNames.HOST, host)
        .set(HttpHeaderNames.USER_AGENT, "Envoy/HC")
        .set(HttpHeaderNames.CONTENT_LENGTH, 0);
    if (!reuse) {
      req.headers().set(HttpHeaderNames.CONNECTION, "close");
    }
    config.requestHeaders().forEach((k, v) -> req.headers().set(k, v));
    ch.writeAndFlush(req);
  }

  private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final InetSocketAddress target;
    private Consumer<ProbeOutcome> waiting;
    private ProbeOutcome outcome;
    private boolean keepAlive;

    ResponseHandler(InetSocketAddress target) {
      this.target = target;
    }

    void await(Consumer<ProbeOutcome> done) {
      waiting = done;
      outcome = null;
    }

    void finish(ProbeOutcome result) {
      Consumer<ProbeOutcome> w = waiting;
      waiting = null;
      if (w != null) {
        w.accept(result);
      }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
      if (msg.decoderResult().isFailure() || waiting == null) {
        ctx.close(); // a malformed or unasked-for answer: the connection cannot be trusted
        return;
      }
      if (msg instanceof HttpResponse r) {
        int status = r.status().code();
        if (status >= 100 && status < 200) {
          return;
        }
        keepAlive = HttpUtil.isKeepAlive(r);
        outcome = config.expected(status) ? ProbeOutcome.PASS
            : config.retriable(status) ? ProbeOutcome.FAIL_NETWORK : ProbeOutcome.FAIL_ACTIVE;
      }
      if (msg instanceof LastHttpContent && outcome != null) {
        if (keepAlive && reuse) {
          kept.keep(target, ctx.channel());
        } else {
          ctx.close();
        }
        finish(outcome);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
