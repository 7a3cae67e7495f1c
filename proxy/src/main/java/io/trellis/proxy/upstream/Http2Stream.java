package io.trellis.proxy.upstream;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * One request/response exchange on an HTTP/2 stream, presented as HTTP/1-style objects. The stream
 * channel has auto-read off, so unread DATA stays in the stream's buffer and its flow-control window
 * is not returned: a slow downstream slows exactly this stream and no other.
 */
final class Http2Stream extends ChannelInboundHandlerAdapter implements UpstreamStream {
  private static final String STREAM_ID_HEADER = HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text().toString();

  private final Http2StreamChannel channel;
  private final UpstreamHost host;
  private final PoolContext ctx;
  private ResponseListener listener;
  private boolean done;
  private boolean requestComplete;
  private boolean responseStarted;
  private int status;
  private long resetCode = -1;
  private Throwable cause;

  Http2Stream(Http2StreamChannel channel, UpstreamHost host, PoolContext ctx) {
    this.channel = channel;
    this.host = host;
    this.ctx = ctx;
    channel.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), this);
    ctx.streamStarted(host);
  }

  @Override
  public void setListener(ResponseListener listener) {
    this.listener = listener;
  }

  @Override
  public ChannelFuture write(HttpObject part, boolean flush) {
    if (done) {
      ReferenceCountUtil.release(part);
      return channel.newFailedFuture(new UpstreamFailure(UpstreamFailure.Reason.LOCAL_RESET,
          "write after the exchange with " + host + " ended"));
    }
    if (listener == null) {
      ReferenceCountUtil.release(part);
      throw new IllegalStateException("write: no listener (expected: setListener before the first write)");
    }
    if (part instanceof LastHttpContent) {
      requestComplete = true;
    }
    return flush ? channel.writeAndFlush(part) : channel.write(part);
  }

  @Override
  public boolean isWritable() {
    return channel.isWritable();
  }

  @Override
  public void read() {
    if (!done) {
      channel.read();
    }
  }

  @Override
  public void reset() {
    if (done) {
      return;
    }
    done = true;
    ctx.streamEnded(host, false);
    channel.close(); // RST_STREAM(CANCEL) for a stream still open
  }

  @Override
  public void resetOnTimeout() {
    if (!done) {
      ctx.reportLocal(host, io.trellis.proxy.outlier.LocalOriginEvent.TIMEOUT);
    }
    reset();
  }

  @Override
  public Host host() {
    return host;
  }

  @Override
  public HttpProtocol protocol() {
    return HttpProtocol.HTTP_2;
  }

  @Override
  public void channelRead(ChannelHandlerContext c, Object msg) {
    if (done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response) {
      int code = response.status().code();
      if (code >= 100 && code < 200) {
        ReferenceCountUtil.release(msg); // informational: the proxy handles 100-continue itself
        channel.read(); // the caller asked for the response, and this was not it
        return;
      }
      response.headers().remove(STREAM_ID_HEADER);
      if (response.headers().size() > ctx.settings().maxHeadersCount()) {
        ReferenceCountUtil.release(msg);
        fail(UpstreamFailure.Reason.PROTOCOL_ERROR, "upstream " + host + ": response has "
            + response.headers().size() + " headers (expected: at most " + ctx.settings().maxHeadersCount() + ")");
        channel.close();
        return;
      }
      responseStarted = true;
      status = code;
      ctx.reportStatus(host, code);
      if (msg instanceof FullHttpResponse full) {
        // Headers with END_STREAM: hand over the same two parts an HTTP/1.1 response would give.
        listener.onResponsePart(new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers()));
        if (!done) {
          complete(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
        } else {
          full.release();
        }
        return;
      }
    }
    if (msg instanceof LastHttpContent last) {
      complete(last);
      return;
    }
    listener.onResponsePart((HttpObject) msg);
  }

  private void complete(LastHttpContent last) {
    done = true;
    ctx.streamEnded(host, status < 500);
    listener.onResponsePart(last);
    if (!requestComplete) {
      channel.close(); // the response ended first: we will not send the rest (RST_STREAM)
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext c, Object evt) {
    if (evt instanceof Http2ResetFrame rst) {
      resetCode = rst.errorCode();
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext c) {
    if (!done && listener != null) {
      listener.onWritabilityChanged(channel.isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) {
    if (done) {
      return;
    }
    if (resetCode >= 0) {
      fail(UpstreamFailure.Reason.REMOTE_RESET, "upstream " + host + " reset the stream (error code " + resetCode + ")");
    } else if (responseStarted) {
      fail(UpstreamFailure.Reason.REMOTE_RESET, "upstream " + host + " closed the stream mid-response");
    } else {
      fail(UpstreamFailure.Reason.CONNECTION_FAILURE, "upstream " + host + " closed the stream before responding");
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext c, Throwable t) {
    if (cause == null) {
      cause = t;
    }
    channel.close();
  }

  private void fail(UpstreamFailure.Reason reason, String message) {
    if (done) {
      return;
    }
    done = true;
    ctx.streamEnded(host, false);
    ctx.reportFailure(host, reason);
    if (listener != null) {
      listener.onFailure(new UpstreamFailure(reason, message, cause));
    }
  }
}
