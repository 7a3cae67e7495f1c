package io.trellis.proxy.upstream;

import io.netty.util.concurrent.Future;

/**
 * HTTP connections to one host, owned by one event loop. HTTP/1.1 pools hand out one idle keep-alive
 * connection per stream (opening one when none is idle and limits allow); HTTP/2 pools multiplex
 * streams over as few connections as their concurrency limits allow.
 */
public interface HttpConnectionPool {

  /**
   * Acquires a stream for one request. Must be called on the pool's event loop; the future completes
   * on it. It fails with {@link UpstreamFailure} saying why (connect failure, timeout, overflow).
   */
  Future<UpstreamStream> newStream();
}
