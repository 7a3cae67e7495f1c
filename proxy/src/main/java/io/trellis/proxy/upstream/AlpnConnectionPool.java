package io.trellis.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;

/**
 * The pool of an ALPN-auto cluster (Envoy's {@code auto_config}) for one host and event loop: the
 * first TLS connection tells which protocol the host speaks, and from then on requests go to the
 * HTTP/2 or HTTP/1.1 pool. That first connection is not wasted: the chosen pool adopts it.
 */
final class AlpnConnectionPool implements HttpConnectionPool {
  private final EventLoop loop;
  private final UpstreamHost host;
  private final PoolContext ctx;
  private final Http1ConnectionPool http1;
  private final Http2ConnectionPool http2;
  private HttpConnectionPool learned;
  private ArrayDeque<Promise<UpstreamStream>> waiting; // non-null while the probe connection is on its way

  AlpnConnectionPool(EventLoop loop, UpstreamHost host, PoolContext ctx, Http1ConnectionPool http1, Http2ConnectionPool http2) {
    this.loop = loop;
    this.host = host;
    this.ctx = ctx;
    this.http1 = http1;
    this.http2 = http2;
  }

  @Override
  public Future<UpstreamStream> newStream() {
    if (learned != null) {
      return learned.newStream();
    }
    if (!loop.inEventLoop()) {
      throw new IllegalStateException("newStream: called off the pool's event loop (expected: " + loop + ")");
    }
    UpstreamFailure overflow = ctx.requestOverflow(host);
    if (overflow == null) {
      overflow = ctx.tryAddPending(host);
    }
    if (overflow != null) {
      return loop.newFailedFuture(overflow);
    }
    Promise<UpstreamStream> p = loop.newPromise();
    if (waiting == null) {
      waiting = new ArrayDeque<>();
      ctx.connector().connect(host, loop).addListener((Future<Channel> f) -> onProbe(f));
    }
    waiting.add(p);
    return p;
  }

  private void onProbe(Future<Channel> f) {
    ArrayDeque<Promise<UpstreamStream>> waiters = waiting;
    waiting = null;
    for (int i = 0; i < waiters.size(); i++) {
      ctx.pendingRemoved();
    }
    if (!f.isSuccess()) {
      ctx.reportFailure(host, ((UpstreamFailure) f.cause()).reason());
      for (Promise<UpstreamStream> p : waiters) {
        p.tryFailure(f.cause());
      }
      return;
    }
    ctx.reportLocal(host, io.trellis.proxy.outlier.LocalOriginEvent.CONNECT_SUCCESS);
    Channel ch = f.getNow();
    if (ApplicationProtocolNames.HTTP_2.equals(UpstreamConnector.negotiatedProtocol(ch))) {
      learned = http2;
      http2.adopt(ch, true);
    } else {
      learned = http1;
      http1.adoptProbe(ch);
    }
    for (Promise<UpstreamStream> p : waiters) {
      if (p.isCancelled()) {
        continue;
      }
      learned.newStream().addListener((Future<UpstreamStream> s) -> {
        if (s.isSuccess()) {
          if (!p.trySuccess(s.getNow())) {
            s.getNow().reset();
          }
        } else {
          p.tryFailure(s.cause());
        }
      });
    }
  }
}
