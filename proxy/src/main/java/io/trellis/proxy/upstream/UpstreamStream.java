package io.trellis.proxy.upstream;

import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpObject;

/**
 * One request/response exchange with an upstream host, on the pool's event loop.
 *
 * <p>The caller first sets a {@link ResponseListener}, then writes the request as an
 * {@code HttpRequest} followed by {@code HttpContent}s and a {@code LastHttpContent} (an
 * {@code FullHttpRequest} works too). Response parts arrive at the listener in order; after the
 * {@code LastHttpContent} of the response the stream is complete and the pool takes the connection
 * back (HTTP/1.1: kept alive unless either side said {@code Connection: close}). Reads are driven by
 * {@link #read()} so that a slow downstream slows the upstream (back-pressure).
 */
public interface UpstreamStream {

  /** Must be set before the first write. */
  void setListener(ResponseListener listener);

  /** Writes one request part; {@code flush} when the caller has nothing more to write right now. */
  ChannelFuture write(HttpObject part, boolean flush);

  /** Whether the upstream can take more request data now; when false wait for the listener's callback. */
  boolean isWritable();

  /** Asks for the next response part(s); parts arrive only after a call to this method. */
  void read();

  /**
   * Abandons the exchange: an HTTP/2 stream is reset, an HTTP/1.1 connection is closed. No listener
   * callback follows. Safe to call more than once and after completion (then a no-op).
   */
  void reset();

  /**
   * Abandons the exchange because a timeout (per-try or route) expired: as {@link #reset()}, and the
   * host's outlier detection counts it as a local-origin timeout (Envoy's 504 for consecutive 5xx and
   * gateway failures), so a host that hangs is ejected like one that fails.
   */
  default void resetOnTimeout() {
    reset();
  }

  /** The host this stream talks to. */
  Host host();

  /** The protocol actually spoken upstream. */
  HttpProtocol protocol();

  /** Receives the response to one request. Called on the pool's event loop. */
  interface ResponseListener {

    /** An {@code HttpResponse}, {@code HttpContent} or, last, {@code LastHttpContent} (with trailers). */
    void onResponsePart(HttpObject part);

    /** The exchange ended before the response completed. */
    void onFailure(UpstreamFailure failure);

    /** The upstream became writable (or not); resume or pause reading the downstream body. */
    void onWritabilityChanged(boolean writable);
  }
}
