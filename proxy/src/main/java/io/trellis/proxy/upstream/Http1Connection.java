package io.trellis.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 connection of a pool, the last handler of its pipeline: it hands response parts to the
 * stream in progress and, between streams, watches for the server closing the connection (or
 * speaking out of turn, which retires it).
 */
final class Http1Connection extends ChannelInboundHandlerAdapter {
  private final Channel channel;
  private final Http1ConnectionPool pool;
  private final UpstreamHost host;
  private final PoolContext ctx;
  private final long idleTimeoutNanos;
  private Http1Stream stream;
  private int served;
  private boolean retired;
  private boolean idle;
  private long idleSinceNanos;
  private ScheduledFuture<?> idleTimer;
  private boolean readAsked;

  Http1Connection(Channel channel, Http1ConnectionPool pool, UpstreamHost host, PoolContext ctx) {
    this.channel = channel;
    this.pool = pool;
    this.host = host;
    this.ctx = ctx;
    this.idleTimeoutNanos = ctx.settings().idleTimeout().toNanos();
    HttpDecoderConfig decoder = new HttpDecoderConfig()
        .setMaxInitialLineLength(4096)
        .setMaxHeaderSize(PoolSettings.MAX_HEADER_BYTES)
        .setMaxChunkSize(64 * 1024);
    channel.pipeline().addLast("codec", new HttpClientCodec(decoder, false, false));
    channel.pipeline().addLast("pool", this);
    if (!channel.isActive()) {
      retired = true; // closed before we got here; channelInactive already passed
    }
  }

  Channel channel() {
    return channel;
  }

  UpstreamHost host() {
    return host;
  }

  PoolContext context() {
    return ctx;
  }

  boolean isUsable() {
    return !retired && channel.isActive();
  }

  Http1Stream startStream() {
    idle = false;
    served++;
    stream = new Http1Stream(this);
    ctx.streamStarted(host);
    return stream;
  }

  /** The stream finished; keep the connection if both sides allow it and it has requests left. */
  void streamDone(Http1Stream s, boolean reusable) {
    if (stream != s) {
      return;
    }
    stream = null;
    int max = ctx.settings().maxRequestsPerConnection();
    if (reusable && max > 0 && served >= max) {
      ctx.stats().cxMaxRequests.inc();
      reusable = false;
    }
    if (!reusable || !isUsable()) {
      close();
      return;
    }
    pool.onConnectionIdle(this);
  }

  void becameIdle() {
    idle = true;
    idleSinceNanos = System.nanoTime();
    if (idleTimeoutNanos > 0 && idleTimer == null) {
      idleTimer = channel.eventLoop().schedule(this::checkIdle, idleTimeoutNanos, TimeUnit.NANOSECONDS);
    }
    read(); // notice the server closing an idle connection
  }

  /**
   * Asks the transport for a read unless one is already pending (auto-read is off): the stream asks
   * when it wants its response and the connection when it becomes idle, usually with a read still
   * pending from the other, and each ask walks the pipeline.
   */
  void read() {
    if (!readAsked) {
      readAsked = true;
      channel.read();
    }
  }

  private void checkIdle() {
    idleTimer = null;
    if (!idle || !isUsable()) {
      return;
    }
    long idleFor = System.nanoTime() - idleSinceNanos;
    if (idleFor >= idleTimeoutNanos) {
      ctx.stats().cxIdleTimeout.inc();
      close();
    } else {
      idleTimer = channel.eventLoop().schedule(this::checkIdle, idleTimeoutNanos - idleFor, TimeUnit.NANOSECONDS);
    }
  }

  void close() {
    retired = true;
    channel.close();
  }

  /** After a 101 response the connection carries raw bytes both ways. */
  void switchToRawBytes() {
    HttpClientCodec codec = channel.pipeline().get(HttpClientCodec.class);
    if (codec != null) {
      codec.prepareUpgradeFrom(channel.pipeline().context(codec));
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext c, Object msg) {
    readAsked = false; // the transport read the socket (its pending read is used before it passes data on)
    if (stream != null) {
      stream.onInbound(msg);
    } else {
      // A response nobody asked for: the connection's framing can no longer be trusted.
      ReferenceCountUtil.release(msg);
      close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext c) {
    readAsked = false; // a socket read ended: any read asked for before it has been used
    if (stream != null) {
      stream.onReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext c) {
    if (stream != null) {
      stream.onWritabilityChanged(channel.isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) {
    retired = true;
    idle = false;
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    Http1Stream s = stream;
    stream = null;
    if (s != null) {
      s.onConnectionClosed();
    }
    pool.onConnectionClosed(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
    if (stream != null) {
      stream.noteCause(cause);
    }
    close();
  }
}
