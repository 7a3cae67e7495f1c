package io.trellis.proxy.http.h2;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import io.trellis.proxy.http.ActiveStream;
import io.trellis.proxy.http.ConnectionInfo;
import io.trellis.proxy.http.DownstreamStream;
import io.trellis.proxy.http.HttpConnectionManager;
import io.trellis.proxy.upstream.HttpProtocol;

/** One HTTP/2 stream as a {@link DownstreamStream}: its child channel carries one request and one response. */
final class Http2StreamHandler extends ChannelInboundHandlerAdapter implements DownstreamStream {
  private static final io.netty.util.AsciiString PROXY_CONNECTION = io.netty.util.AsciiString.cached("proxy-connection");
  private static final io.netty.util.AsciiString GRPC_STATUS = io.netty.util.AsciiString.cached("grpc-status");
  private final HttpConnectionManager hcm;
  private final ConnectionInfo connection;
  private final Http2ServerConnection parent;
  private ChannelHandlerContext ctx;
  private ActiveStream stream;
  private boolean ended;
  private boolean counted;
  /** gRPC response headers carrying grpc-status, held to see whether the stream ends right after them. */
  private HttpResponse heldTrailersOnly;

  Http2StreamHandler(HttpConnectionManager hcm, ConnectionInfo connection, Http2ServerConnection parent) {
    this.hcm = hcm;
    this.connection = connection;
    this.parent = parent;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    parent.streamOpened();
    counted = true;
    if (ctx.channel().isActive()) {
      ctx.read();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (ended) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest r) {
      if (r.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        reject(400);
        return;
      }
      HttpHeaders h = r.headers();
      h.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text());
      h.remove(HttpConversionUtil.ExtensionHeaderNames.SCHEME.text());
      h.remove(HttpConversionUtil.ExtensionHeaderNames.PATH.text());
      h.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_WEIGHT.text());
      h.remove(HttpConversionUtil.ExtensionHeaderNames.STREAM_DEPENDENCY_ID.text());
      if (h.size() > hcm.config().maxRequestHeadersCount()) {
        ReferenceCountUtil.release(msg);
        reject(431);
        return;
      }
      if (!h.contains(HttpHeaderNames.HOST)) {
        ReferenceCountUtil.release(msg);
        reject(400);
        return;
      }
      boolean endStream = false;
      HttpRequest headers = r;
      if (r instanceof FullHttpRequest full) {
        endStream = !full.content().isReadable() && full.trailingHeaders().isEmpty();
        headers = new DefaultHttpRequest(HttpVersion.HTTP_1_1, full.method(), full.uri(), full.headers());
        if (endStream) {
          full.release();
        }
        stream = hcm.newStream(this, connection);
        stream.onRequestHeaders(headers, endStream, false);
        if (!endStream && stream != null && !stream.finished()) {
          stream.onRequestContent(full);
        } else if (!endStream) {
          full.release();
        }
        return;
      }
      r.setProtocolVersion(HttpVersion.HTTP_1_1);
      stream = hcm.newStream(this, connection);
      stream.onRequestHeaders(r, false, false);
      return;
    }
    if (msg instanceof HttpContent c) {
      if (stream == null) {
        c.release();
        return;
      }
      stream.onRequestContent(c);
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  private void reject(int status) {
    hcm.stats().rqTotal.inc();
    hcm.stats().responseCode(status);
    DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
    response.headers().set(HttpHeaderNames.SERVER, hcm.config().serverName()).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    ended = true;
    ctx.writeAndFlush(response).addListener(f -> ctx.channel().close());
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (stream != null) {
      stream.onDownstreamWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (counted) {
      counted = false;
      parent.streamClosed();
    }
    if (stream != null && !ended) {
      ended = true;
      stream.onDownstreamReset();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  // ---- DownstreamStream ----

  @Override
  public void writeResponse(HttpObject part, boolean flush) {
    if (part instanceof HttpResponse r) {
      HttpHeaders h = r.headers();
      h.remove(HttpHeaderNames.TRANSFER_ENCODING);
      h.remove(HttpHeaderNames.CONNECTION);
      h.remove(HttpHeaderNames.KEEP_ALIVE);
      h.remove(HttpHeaderNames.UPGRADE);
      h.remove(PROXY_CONNECTION);
      if (!(part instanceof io.netty.handler.codec.http.FullHttpResponse) && h.contains(GRPC_STATUS)) {
        // gRPC's trailers-only form: one HEADERS frame with END_STREAM. Headers and an empty last part
        // written apart would become HEADERS plus an empty DATA frame, which gRPC clients reject.
        heldTrailersOnly = r;
        return;
      }
    }
    if (heldTrailersOnly != null) {
      HttpResponse held = heldTrailersOnly;
      heldTrailersOnly = null;
      if (part instanceof LastHttpContent last && !last.content().isReadable() && last.trailingHeaders().isEmpty()) {
        last.release();
        part = new DefaultFullHttpResponse(held.protocolVersion(), held.status(), io.netty.buffer.Unpooled.EMPTY_BUFFER,
            held.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
      } else {
        ctx.write(held, ctx.voidPromise());
      }
    }
    if (flush) {
      ctx.writeAndFlush(part, ctx.voidPromise());
    } else {
      ctx.write(part, ctx.voidPromise());
    }
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }

  @Override
  public void readRequest() {
    ctx.read();
  }

  @Override
  public void reset() {
    ended = true;
    ctx.channel().close();
  }

  @Override
  public Channel detachForTunnel() {
    throw new UnsupportedOperationException("tunnels over HTTP/2 (extended CONNECT) are not supported");
  }

  @Override
  public void streamEnded(boolean requestComplete) {
    ended = true;
    if (!requestComplete) {
      // the response is complete but the request is not: reset the rest of the request (RST_STREAM)
      ctx.channel().eventLoop().execute(() -> ctx.channel().close());
    }
  }

  @Override
  public EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  @Override
  public HttpProtocol protocol() {
    return HttpProtocol.HTTP_2;
  }

  @Override
  public boolean draining() {
    return parent.isDraining();
  }
}
