package io.trellis.proxy.network;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Relays raw bytes between two connected channels on the same event loop: what one side reads is
 * written to the other, and a side is read again only while its peer is writable (back-pressure).
 * Either side closing closes the other after a flush; with an idle timeout both close when no byte
 * moved either way for that long. Used by tcp_proxy and by HTTP tunnels (WebSocket, CONNECT).
 */
public final class TunnelRelay {
  private final Channel a;
  private final Channel b;
  private final Duration idleTimeout;
  private final Runnable onIdleTimeout;
  private long lastActivity = System.nanoTime();
  private ScheduledFuture<?> idleTimer;

  private TunnelRelay(Channel a, Channel b, Duration idleTimeout, Runnable onIdleTimeout) {
    this.a = a;
    this.b = b;
    this.idleTimeout = idleTimeout;
    this.onIdleTimeout = onIdleTimeout;
  }

  /**
   * Joins two channels (both with auto-read off, past any protocol handlers) and starts reading both.
   * {@code idleTimeout} zero disables the idle timer.
   */
  public static TunnelRelay join(Channel a, Channel b, Duration idleTimeout, Runnable onIdleTimeout) {
    TunnelRelay relay = new TunnelRelay(a, b, idleTimeout, onIdleTimeout);
    a.config().setAutoRead(false);
    b.config().setAutoRead(false);
    a.pipeline().addLast("tunnel-relay", relay.new Side(b));
    b.pipeline().addLast("tunnel-relay", relay.new Side(a));
    a.flush();
    b.flush();
    a.read();
    b.read();
    relay.armIdle();
    return relay;
  }

  private void armIdle() {
    if (idleTimeout.isZero() || !a.isActive() || !b.isActive()) {
      return;
    }
    long delay = idleTimeout.toNanos() - (System.nanoTime() - lastActivity);
    if (delay <= 0) {
      onIdleTimeout.run();
      a.close();
      b.close();
      return;
    }
    idleTimer = a.eventLoop().schedule(this::armIdle, delay, TimeUnit.NANOSECONDS);
  }

  /** Closes both sides after flushing what was written. */
  public void close() {
    closeOnFlush(a);
    closeOnFlush(b);
  }

  static void closeOnFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private final class Side extends ChannelInboundHandlerAdapter {
    private final Channel peer;

    Side(Channel peer) {
      this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      lastActivity = System.nanoTime();
      peer.writeAndFlush(msg, peer.voidPromise());
      if (peer.isWritable()) {
        ctx.channel().read();
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        peer.read();
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (idleTimer != null) {
        idleTimer.cancel(false);
      }
      closeOnFlush(peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
