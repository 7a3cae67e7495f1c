package io.trellis.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.GenericFutureListener;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP/2 connections to one host on one event loop, multiplexing streams over as few connections as
 * the concurrency limits allow: a connection takes streams up to the lower of our
 * {@code max_concurrent_streams} and the server's SETTINGS_MAX_CONCURRENT_STREAMS; only when every
 * connection is full (or going away) is another opened. A connection counts as ready once the
 * server's first SETTINGS arrived, so its limit is known before streams are put on it. Confined to
 * its event loop.
 */
final class Http2ConnectionPool implements HttpConnectionPool {
  private final EventLoop loop;
  private final UpstreamHost host;
  private final PoolContext ctx;
  private final List<Http2Connection> connections = new ArrayList<>(2);
  private final ArrayDeque<Promise<UpstreamStream>> pending = new ArrayDeque<>();
  private final GenericFutureListener<Future<UpstreamStream>> onPendingCancelled = f -> {
    if (f.isCancelled() && pending.remove(f)) {
      statsPendingDec();
    }
  };
  private int connecting; // connections not yet ready (TCP, TLS, or waiting for SETTINGS)
  private boolean draining;

  Http2ConnectionPool(EventLoop loop, UpstreamHost host, PoolContext ctx) {
    this.loop = loop;
    this.host = host;
    this.ctx = ctx;
  }

  private void statsPendingDec() {
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
    Http2Connection c = available();
    if (c != null) {
      Promise<UpstreamStream> p = loop.newPromise();
      c.openStream(p);
      return p;
    }
    if (pending.size() >= ctx.settings().maxPendingRequestsPerPool()) {
      ctx.stats().rqPendingOverflow.inc();
      return loop.newFailedFuture(new UpstreamFailure(UpstreamFailure.Reason.OVERFLOW,
          "cluster " + ctx.clusterName() + ": " + pending.size() + " requests already wait for a stream to " + host));
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

  private Http2Connection available() {
    for (int i = 0; i < connections.size(); i++) {
      Http2Connection c = connections.get(i);
      if (c.canOpenStream()) {
        return c;
      }
    }
    return null;
  }

  private void connectForPending() {
    if (!pending.isEmpty() && connecting == 0 && connections.size() < ctx.settings().maxConnectionsPerPool()
        && ctx.mayConnect(host, connections.size())) {
      connect();
    }
  }

  private void connect() {
    connecting++;
    ctx.connector().connect(host, loop).addListener((Future<Channel> f) -> {
      if (f.isSuccess()) {
        ctx.reportLocal(host, io.trellis.proxy.outlier.LocalOriginEvent.CONNECT_SUCCESS);
        adopt(f.getNow(), false);
      } else {
        connecting--;
        ctx.reportFailure(host, ((UpstreamFailure) f.cause()).reason());
        failPendingIfNothingOnTheWay((UpstreamFailure) f.cause());
      }
    });
  }

  /** Takes over a connected channel (from {@link #connect()} or an ALPN probe) and speaks HTTP/2 on it. */
  void adopt(Channel channel, boolean countAsConnecting) {
    if (countAsConnecting) {
      connecting++;
    }
    ctx.stats().cxHttp2Total.inc();
    Http2Connection c = new Http2Connection(channel, this, host, ctx);
    connections.add(c);
    if (!channel.isActive()) {
      onConnectionClosed(c, false); // closed before its handlers were in place: no event will tell us
    }
  }

  private void failPendingIfNothingOnTheWay(UpstreamFailure failure) {
    if (connecting > 0 || available() != null) {
      return;
    }
    Promise<UpstreamStream> p;
    while ((p = pending.pollFirst()) != null) {
      statsPendingDec();
      p.tryFailure(failure);
    }
  }

  /** The server's first SETTINGS arrived: the connection's stream limit is known. */
  void onConnectionReady(Http2Connection c) {
    connecting--;
    if (draining) {
      c.drainWhenIdle();
    }
    servePending();
  }

  /** A stream closed or a limit rose: waiting requests may fit now. */
  void servePending() {
    Promise<UpstreamStream> p;
    Http2Connection c;
    while (!pending.isEmpty() && (c = available()) != null) {
      p = pending.pollFirst();
      statsPendingDec();
      if (p.setUncancellable()) {
        c.openStream(p);
      }
    }
    connectForPending();
  }

  void onConnectionClosed(Http2Connection c, boolean wasReady) {
    connections.remove(c);
    if (!wasReady) {
      connecting--;
      failPendingIfNothingOnTheWay(new UpstreamFailure(UpstreamFailure.Reason.CONNECTION_FAILURE,
          "upstream " + host + " closed the HTTP/2 connection before its SETTINGS"));
    }
    connectForPending();
  }

  boolean draining() {
    return draining;
  }

  /** Stops new streams on every connection; each closes when its last stream ends. */
  void drain() {
    draining = true;
    for (Http2Connection c : new ArrayList<>(connections)) {
      c.drainWhenIdle();
    }
  }

  int connectionCount() {
    return connections.size();
  }

  int pendingCount() {
    return pending.size();
  }
}
