package io.trellis.proxy.router;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.HttpConnectionPool;
import io.trellis.proxy.upstream.HttpProtocol;
import io.trellis.proxy.upstream.UpstreamFailure;
import io.trellis.proxy.upstream.UpstreamStream;
import java.util.ArrayDeque;

/**
 * One attempt of a request against one upstream host: acquires a stream from the host's pool, sends
 * the headers and body parts (holding the parts that arrive before the stream does), and passes
 * response parts back to the router. A retry is a new {@code UpstreamRequest}.
 */
final class UpstreamRequest implements UpstreamStream.ResponseListener {

  /** What the attempt reports to its owner. */
  interface Owner {
    void onUpstreamPart(UpstreamRequest attempt, HttpObject part);

    void onUpstreamFailure(UpstreamRequest attempt, UpstreamFailure failure);

    void onUpstreamWritabilityChanged(boolean writable);
  }

  private final Owner owner;
  private final Host host;
  private final HttpRequest headers;
  private final long startNanos = System.nanoTime();
  private UpstreamStream stream;
  private ArrayDeque<HttpObject> pending;
  private boolean endSent;
  private boolean cancelled;
  private boolean complete;

  UpstreamRequest(Owner owner, Host host, HttpRequest headers) {
    this.owner = owner;
    this.host = host;
    this.headers = headers;
  }

  Host host() {
    return host;
  }

  long startNanos() {
    return startNanos;
  }

  boolean connected() {
    return stream != null;
  }

  /** Starts the attempt; {@code pool.newStream()} must be called on the pool's event loop (the router's). */
  void start(HttpConnectionPool pool) {
    Future<UpstreamStream> f = pool.newStream();
    if (f.isDone()) {
      onStream(f);
    } else {
      f.addListener(done -> onStream(f));
    }
  }

  private void onStream(Future<UpstreamStream> f) {
    if (cancelled) {
      if (f.isSuccess()) {
        f.getNow().reset();
      }
      return;
    }
    if (!f.isSuccess()) {
      releasePending();
      Throwable cause = f.cause();
      UpstreamFailure failure = cause instanceof UpstreamFailure u
          ? u
          : new UpstreamFailure(UpstreamFailure.Reason.CONNECTION_FAILURE, String.valueOf(cause), cause);
      complete = true;
      owner.onUpstreamFailure(this, failure);
      return;
    }
    stream = f.getNow();
    stream.setListener(this);
    if (pending != null && pending.size() == 1 && stream.protocol() == HttpProtocol.HTTP_1_1
        && !(headers instanceof FullHttpRequest) && isEmptyEnd(pending.peek())) {
      // A request without a body (most of them) goes out as one message: one encoding pass and one
      // write through the pipeline instead of the head and then an empty end of the request.
      ReferenceCountUtil.release(pending.poll());
      stream.write(new DefaultFullHttpRequest(headers.protocolVersion(), headers.method(), headers.uri(),
          Unpooled.EMPTY_BUFFER, headers.headers(), EmptyHttpHeaders.INSTANCE), true);
      stream.read();
      owner.onUpstreamWritabilityChanged(stream.isWritable());
      return;
    }
    boolean more = pending != null && !pending.isEmpty();
    stream.write(headers, !more);
    if (more) {
      while (!pending.isEmpty()) {
        HttpObject part = pending.poll();
        stream.write(part, pending.isEmpty());
      }
    }
    stream.read();
    owner.onUpstreamWritabilityChanged(stream.isWritable());
  }

  private static boolean isEmptyEnd(HttpObject part) {
    return part instanceof LastHttpContent last && !last.content().isReadable() && last.trailingHeaders().isEmpty();
  }

  /** Sends one request body part (or trailers, as a {@code LastHttpContent}); takes ownership. */
  void send(HttpContent part) {
    if (cancelled || complete && stream == null) {
      ReferenceCountUtil.release(part);
      return;
    }
    if (part instanceof LastHttpContent) {
      endSent = true;
    }
    if (stream == null) {
      if (pending == null) {
        pending = new ArrayDeque<>(4);
      }
      pending.add(part);
      return;
    }
    stream.write(part, true);
  }

  boolean writable() {
    return stream != null && stream.isWritable();
  }

  boolean endSent() {
    return endSent;
  }

  /** Asks for more response parts (after the downstream drained). */
  void read() {
    if (stream != null && !complete && !cancelled) {
      stream.read();
    }
  }

  /** Abandons the attempt; no callbacks follow. */
  void reset() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    releasePending();
    if (stream != null && !complete) {
      stream.reset();
    }
  }

  /** As {@link #reset()}, because a timeout expired: the host's outlier detection counts it. */
  void resetOnTimeout() {
    if (cancelled) {
      return;
    }
    cancelled = true;
    releasePending();
    if (stream != null && !complete) {
      stream.resetOnTimeout();
    }
  }

  private void releasePending() {
    if (pending != null) {
      pending.forEach(ReferenceCountUtil::release);
      pending.clear();
    }
  }

  @Override
  public void onResponsePart(HttpObject part) {
    if (cancelled) {
      ReferenceCountUtil.release(part);
      return;
    }
    if (part instanceof LastHttpContent) {
      complete = true;
    }
    owner.onUpstreamPart(this, part);
  }

  @Override
  public void onFailure(UpstreamFailure failure) {
    if (cancelled || complete) {
      return;
    }
    complete = true;
    owner.onUpstreamFailure(this, failure);
  }

  @Override
  public void onWritabilityChanged(boolean writable) {
    if (!cancelled) {
      owner.onUpstreamWritabilityChanged(writable);
    }
  }
}
