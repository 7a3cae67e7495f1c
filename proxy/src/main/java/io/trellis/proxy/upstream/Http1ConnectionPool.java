package io.trellis.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * HTTP/1.1 connections to one host on one event loop. A stream takes the most recently idled
 * connection (warm caches, and the oldest idle ones time out first); when none is idle and the
 * connection limit allows, one is opened and the request waits for it. Confined to its event loop:
 * no locks, no atomics.
 */
final class Http1ConnectionPool implements HttpConnectionPool {
  private final EventLoop loop;
  private final UpstreamHost host;
  private final PoolContext ctx;
  private final ArrayDeque<Http1Connection> idle = new ArrayDeque<>();
  private final ArrayDeque<Promise<UpstreamStream>> pending = new ArrayDeque<>();
  private final GenericFutureListener<Future<UpstreamStream>> onPendingCancelled = f -> {
    if (f.isCancelled() && pending.remove(f)) {
      pendingCancelled();
    }
  };
  private int connections; // connecting + busy + idle
  private int connecting;
  private boolean draining;

  Http1ConnectionPool(EventLoop loop, UpstreamHost host, PoolContext ctx) {
    this.loop = loop;
    this.host = host;
    this.ctx = ctx;
  }

  private void pendingCancelled() {
    ctx.pendingRemoved();
  }

  @Override
  public Future<UpstreamStream> newStream() {
    if (!loop.inEventLoop()) {
      throw new IllegalStateException("newStream: called off the pool's event loop (expected: " + loop + ")");
    }
    UpstreamFailure overflow = ctx.requestOverflow(host);
    if (overflow != null) {
      return loop.newFailedFuture(overflow);
    }
    Http1Connection c;
    while ((c = idle.pollLast()) != null) {
      if (c.isUsable()) {
        return loop.newSucceededFuture(c.startStream());
      }
    }
    if (pending.size() >= ctx.settings().maxPendingRequestsPerPool()) {
      ctx.stats().rqPendingOverflow.inc();
      return loop.newFailedFuture(new UpstreamFailure(UpstreamFailure.Reason.OVERFLOW,
          "cluster " + ctx.clusterName() + ": " + pending.size() + " requests already wait for a connection to " + host));
    }
    overflow = ctx.tryAddPending(host);
    if (overflow != null) {
      return loop.newFailedFuture(overflow);
    }
    Promise<UpstreamStream> p = loop.newPromise();
    pending.addLast(p);
    p.addListener(onPendingCancelled);
    connectForPending();
    return p;
  }

  /** Opens connections while waiting requests outnumber connections on their way. */
  private void connectForPending() {
    while (connecting < pending.size() && connections < ctx.settings().maxConnectionsPerPool()
        && ctx.mayConnect(host, connections)) {
      connect();
    }
  }

  private void connect() {
    connections++;
    connecting++;
    ctx.connector().connect(host, loop).addListener((Future<Channel> f) -> {
      connecting--;
      if (f.isSuccess() && f.getNow().isActive()) {
        ctx.reportLocal(host, io.trellis.proxy.outlier.LocalOriginEvent.CONNECT_SUCCESS);
        adopt(f.getNow());
      } else {
        connections--;
        UpstreamFailure failure = f.isSuccess()
            ? new UpstreamFailure(UpstreamFailure.Reason.CONNECTION_FAILURE, "upstream " + host + " closed the connection at once")
            : (UpstreamFailure) f.cause();
        ctx.reportFailure(host, failure.reason());
        // Fail the waiters that no connection still on its way will serve.
        while (pending.size() > connecting) {
          Promise<UpstreamStream> p = pending.pollFirst();
          ctx.pendingRemoved();
          p.tryFailure(failure);
        }
      }
    });
  }

  private void adopt(Channel channel) {
    ctx.stats().cxHttp1Total.inc();
    onConnectionIdle(new Http1Connection(channel, this, host, ctx));
  }

  /** Takes over a connected channel from an ALPN probe that settled on HTTP/1.1. */
  void adoptProbe(Channel channel) {
    if (channel.isActive()) {
      connections++;
      adopt(channel);
    }
  }

  /** A connection is ready for another request: serve a waiter, keep it idle, or close it when draining. */
  void onConnectionIdle(Http1Connection c) {
    Promise<UpstreamStream> p;
    while ((p = pending.pollFirst()) != null) {
      ctx.pendingRemoved();
      if (p.setUncancellable()) {
        p.setSuccess(c.startStream());
        return;
      }
    }
    if (draining || host.draining()) {
      c.close(); // the host left its cluster (possibly before this pool existed to be told)
      return;
    }
    idle.addLast(c);
    c.becameIdle();
  }

  void onConnectionClosed(Http1Connection c) {
    connections--;
    idle.remove(c);
    connectForPending();
  }

  /** Closes idle connections now and busy ones as their requests finish. */
  void drain() {
    draining = true;
    for (Http1Connection c : new ArrayList<>(idle)) {
      c.close();
    }
  }

  /** Open connections (connecting, busy or idle); for tests and the admin page. */
  int connectionCount() {
    return connections;
  }

  int idleCount() {
    return idle.size();
  }

  int pendingCount() {
    return pending.size();
  }
}
