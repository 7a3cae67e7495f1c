package io.trellis.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * One request/response exchange on an HTTP/1.1 connection.
 *
 * <p>Reads are the caller's: response parts are delivered during the socket read a {@link #read()}
 * started. Parts that arrive otherwise (the connection's idle watch read, or the rest of a socket
 * read after the caller stopped asking) wait in a small queue that the next {@code read()} drains,
 * so nothing is lost and nothing is delivered unasked.
 */
final class Http1Stream implements UpstreamStream {
  private final Http1Connection connection;
  private final Channel channel;
  private ResponseListener listener;
  private ArrayDeque<Object> queued;
  private boolean readRequested;
  private boolean deliveredThisRead;
  private boolean done;
  private boolean requestComplete;
  private boolean responseStarted;
  private boolean keepAlive = true;
  private boolean skippingInformational;
  private boolean upgraded;
  private boolean upgradeHeadersEnded;
  private boolean connectionClosed;
  private int status;
  private Throwable cause;

  Http1Stream(Http1Connection connection) {
    this.connection = connection;
    this.channel = connection.channel();
  }

  @Override
  public void setListener(ResponseListener listener) {
    this.listener = listener;
  }

  @Override
  public ChannelFuture write(HttpObject part, boolean flush) {
    if (done || connectionClosed) {
      ReferenceCountUtil.release(part);
      return channel.newFailedFuture(new UpstreamFailure(UpstreamFailure.Reason.LOCAL_RESET,
          "write after the exchange with " + connection.host() + " ended"));
    }
    if (listener == null) {
      ReferenceCountUtil.release(part);
      throw new IllegalStateException("write: no listener (expected: setListener before the first write)");
    }
    if (part instanceof HttpRequest request && !HttpUtil.isKeepAlive(request)) {
      keepAlive = false;
    }
    if (part instanceof LastHttpContent) {
      requestComplete = true;
    }
    Object out = part;
    if (upgraded && part instanceof HttpContent content) {
      out = content.content(); // raw tunnel bytes after 101
    }
    // No promise to complete and no listener per part: a failed write reaches the connection's
    // exceptionCaught, which closes it (what a close-on-failure listener did).
    ChannelPromise v = channel.voidPromise();
    return flush ? channel.writeAndFlush(out, v) : channel.write(out, v);
  }

  @Override
  public boolean isWritable() {
    return channel.isWritable();
  }

  @Override
  public void read() {
    if (done) {
      return;
    }
    if (queued != null && !queued.isEmpty()) {
      drainQueue();
      return;
    }
    if (connectionClosed) {
      closedWithoutResponse();
      return;
    }
    readRequested = true;
    deliveredThisRead = false; // a read asked for during delivery stands after this socket read ends
    connection.read();
  }

  @Override
  public void reset() {
    if (done) {
      return;
    }
    done = true;
    releaseQueue();
    connection.context().streamEnded(connection.host(), false);
    connection.close();
  }

  @Override
  public void resetOnTimeout() {
    if (!done) {
      connection.context().reportLocal(connection.host(), io.trellis.proxy.outlier.LocalOriginEvent.TIMEOUT);
    }
    reset();
  }

  @Override
  public Host host() {
    return connection.host();
  }

  @Override
  public HttpProtocol protocol() {
    return HttpProtocol.HTTP_1_1;
  }

  void onInbound(Object msg) {
    if (done) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (readRequested && (queued == null || queued.isEmpty())) {
      deliver(msg);
    } else {
      if (queued == null) {
        queued = new ArrayDeque<>(4);
      }
      queued.add(msg);
    }
  }

  void onReadComplete() {
    if (done) {
      return;
    }
    if (deliveredThisRead) {
      deliveredThisRead = false;
      readRequested = false; // the caller asks again when it wants more
    } else if (readRequested) {
      connection.read(); // this read produced nothing for the caller (partial headers, a 100 Continue)
    }
  }

  void onWritabilityChanged(boolean writable) {
    if (!done && listener != null) {
      listener.onWritabilityChanged(writable);
    }
  }

  void noteCause(Throwable t) {
    if (cause == null) {
      cause = t;
    }
  }

  void onConnectionClosed() {
    connectionClosed = true;
    if (done) {
      return;
    }
    if (queued == null || queued.isEmpty()) {
      closedWithoutResponse();
    } // else: the caller's next read drains what arrived before the close, then we decide
  }

  private void drainQueue() {
    Object msg;
    while (!done && (msg = queued.poll()) != null) {
      deliver(msg);
    }
    if (!done && connectionClosed && queued.isEmpty()) {
      closedWithoutResponse();
    }
  }

  private void closedWithoutResponse() {
    if (done) {
      return;
    }
    if (upgraded) {
      // A tunnel ends when the upstream closes it: that is its end of stream.
      done = true;
      connection.context().streamEnded(connection.host(), true);
      listener.onResponsePart(LastHttpContent.EMPTY_LAST_CONTENT);
      return;
    }
    fail(responseStarted ? UpstreamFailure.Reason.REMOTE_RESET : UpstreamFailure.Reason.CONNECTION_FAILURE,
        responseStarted ? "upstream " + connection.host() + " closed the connection mid-response"
            : "upstream " + connection.host() + " closed the connection before responding");
  }

  private void deliver(Object msg) {
    if (msg instanceof HttpResponse response) {
      if (response.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        protocolError("malformed response head: " + response.decoderResult().cause().getMessage());
        return;
      }
      int code = response.status().code();
      if (code >= 100 && code < 200 && code != 101) {
        skippingInformational = true; // the proxy answers 100-continue itself, as Envoy does
      } else if (response.headers().size() > connection.context().settings().maxHeadersCount()) {
        ReferenceCountUtil.release(msg);
        protocolError("response has " + response.headers().size() + " headers (expected: at most "
            + connection.context().settings().maxHeadersCount() + ")");
        return;
      } else {
        if (code == 101) {
          upgraded = true;
          keepAlive = false;
          connection.switchToRawBytes();
        }
        keepAlive &= HttpUtil.isKeepAlive(response);
        responseStarted = true;
        status = code;
        connection.context().reportStatus(connection.host(), code);
      }
    }
    if (skippingInformational) {
      if (msg instanceof LastHttpContent) {
        skippingInformational = false;
      }
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
      Throwable why = content.decoderResult().cause();
      ReferenceCountUtil.release(msg);
      if (why instanceof io.netty.handler.codec.PrematureChannelClosureException) {
        fail(UpstreamFailure.Reason.REMOTE_RESET, "upstream " + connection.host() + " closed the connection mid-response");
        return;
      }
      protocolError("malformed response body: " + why.getMessage());
      return;
    }
    if (upgraded) {
      if (msg instanceof LastHttpContent && !upgradeHeadersEnded) {
        upgradeHeadersEnded = true; // the codec's end of the 101 itself; the tunnel follows
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof ByteBuf bytes) {
        msg = new DefaultHttpContent(bytes);
      }
    }
    if (!(msg instanceof HttpObject part)) {
      ReferenceCountUtil.release(msg);
      protocolError("unexpected " + msg.getClass().getSimpleName() + " from the codec");
      return;
    }
    deliveredThisRead = true; // set before the callback: a read() inside it clears this again
    if (part instanceof LastHttpContent && !upgraded) {
      done = true;
      connection.context().streamEnded(connection.host(), status < 500);
      listener.onResponsePart(part);
      connection.streamDone(this, keepAlive && requestComplete && !connectionClosed);
      return;
    }
    listener.onResponsePart(part);
  }

  private void protocolError(String message) {
    fail(UpstreamFailure.Reason.PROTOCOL_ERROR, "upstream " + connection.host() + ": " + message);
    connection.close();
  }

  private void fail(UpstreamFailure.Reason reason, String message) {
    if (done) {
      return;
    }
    done = true;
    releaseQueue();
    connection.context().streamEnded(connection.host(), false);
    connection.context().reportFailure(connection.host(), reason);
    listener.onFailure(new UpstreamFailure(reason, message, cause));
  }

  private void releaseQueue() {
    if (queued != null) {
      Object msg;
      while ((msg = queued.poll()) != null) {
        ReferenceCountUtil.release(msg);
      }
    }
  }
}
