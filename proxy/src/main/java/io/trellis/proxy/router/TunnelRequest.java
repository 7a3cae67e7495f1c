package io.trellis.proxy.router;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.trellis.proxy.http.ResponseFlag;
import io.trellis.proxy.http.filter.HttpFilterCallbacks;
import io.trellis.proxy.network.TunnelRelay;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.UpstreamCluster;
import java.time.Duration;

/**
 * An HTTP/1.1 request that becomes a byte tunnel: a WebSocket (or other enabled) upgrade is sent to
 * the upstream over a raw connection and, on its 101, both connections drop their HTTP codecs and are
 * relayed; a CONNECT is answered 200 once the upstream connection is up and then relayed. A refused
 * upgrade's response is passed back as an ordinary response.
 */
final class TunnelRequest extends ChannelInboundHandlerAdapter {
  private final HttpFilterCallbacks cb;
  private final HttpRequest request;
  private final boolean connect;
  private final ClusterStats stats;
  private final Duration idleTimeout;
  private Channel upstream;
  private boolean cancelled;
  private boolean upgraded;

  TunnelRequest(HttpFilterCallbacks cb, HttpRequest request, boolean connect, ClusterStats stats, Duration idleTimeout) {
    this.cb = cb;
    this.request = request;
    this.connect = connect;
    this.stats = stats;
    this.idleTimeout = idleTimeout;
  }

  void start(UpstreamCluster cluster, Host host) {
    Future<Channel> f = cluster.connectTcp(host, cb.eventLoop());
    f.addListener(done -> onConnected(f));
  }

  private void onConnected(Future<Channel> f) {
    if (cancelled) {
      if (f.isSuccess()) {
        f.getNow().close();
      }
      return;
    }
    if (!f.isSuccess()) {
      stats.rq5xx.inc();
      cb.sendLocalReply(503, "upstream connect error or disconnect/reset before headers. reset reason: connection failure",
          ResponseFlag.UPSTREAM_CONNECTION_FAILURE, "upstream_reset_before_response_started{connection_failure}");
      return;
    }
    upstream = f.getNow();
    upstream.closeFuture().addListener(c -> {
      if (!upgraded && !cancelled) {
        cb.resetStream(ResponseFlag.UPSTREAM_CONNECTION_TERMINATION, "upstream closed before the upgrade");
      }
    });
    if (connect) {
      stats.rq2xx.inc();
      HttpResponse ok = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      cb.encodeHeaders(ok, false);
      splice();
      return;
    }
    upstream.pipeline().addLast("tunnel-codec", new HttpClientCodec());
    upstream.pipeline().addLast("tunnel-handshake", this);
    upstream.write(request);
    upstream.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    upstream.read();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (cancelled) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse r && r.status().code() == 101) {
      stats.responseCode(101);
      ReferenceCountUtil.release(msg);
      cb.encodeHeaders(new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status(), r.headers()), false);
      ctx.pipeline().remove(this);
      ctx.pipeline().remove("tunnel-codec");
      splice();
      return;
    }
    if (msg instanceof HttpResponse r) {
      stats.responseCode(r.status().code());
      cb.encodeHeaders(r, false);
    } else if (msg instanceof LastHttpContent last) {
      cb.encodeData(last, true);
      upgraded = true;
      ctx.close();
      return;
    } else if (msg instanceof HttpContent c) {
      cb.encodeData(c, false);
    } else {
      ReferenceCountUtil.release(msg);
    }
    ctx.read();
  }

  private void splice() {
    upgraded = true;
    Channel downstream = cb.detachDownstreamForTunnel();
    TunnelRelay.join(downstream, upstream, idleTimeout == null ? Duration.ZERO : idleTimeout, () -> {});
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** The stream ended before the tunnel was spliced. */
  void cancel() {
    if (upgraded) {
      return;
    }
    cancelled = true;
    if (upstream != null) {
      upstream.close();
    }
  }

  static Object empty() {
    return Unpooled.EMPTY_BUFFER;
  }

  static boolean isObject(Object o) {
    return o instanceof HttpObject;
  }
}
