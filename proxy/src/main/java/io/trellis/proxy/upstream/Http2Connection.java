package io.trellis.proxy.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection of a pool: the frame codec and multiplexer, plus this handler at the end of
 * the connection's pipeline, which learns the server's SETTINGS (the stream limit) and GOAWAY (no
 * new streams here), and counts the streams in flight.
 */
final class Http2Connection extends ChannelInboundHandlerAdapter {
  private static final ChannelHandler REFUSE_PUSHED_STREAMS = new ChannelInboundHandlerAdapter() {
    @Override
    public void channelActive(ChannelHandlerContext c) {
      c.channel().close(); // push is disabled in our SETTINGS; a server stream is a protocol violation
    }

    @Override
    public boolean isSharable() {
      return true;
    }
  };

  private final Channel channel;
  private final Http2ConnectionPool pool;
  private final UpstreamHost host;
  private final PoolContext ctx;
  private final Http2StreamChannelBootstrap streams;
  private final long idleTimeoutNanos;
  private final int maxRequests;
  private long maxConcurrent;
  private boolean ready;
  private boolean goingAway;
  private boolean drainWhenIdle;
  private int active;
  private int opened;
  private long idleSinceNanos;
  private ScheduledFuture<?> idleTimer;

  Http2Connection(Channel channel, Http2ConnectionPool pool, UpstreamHost host, PoolContext ctx) {
    this.channel = channel;
    this.pool = pool;
    this.host = host;
    this.ctx = ctx;
    this.idleTimeoutNanos = ctx.settings().idleTimeout().toNanos();
    this.maxRequests = ctx.settings().maxRequestsPerConnection();
    this.maxConcurrent = ctx.settings().http2().maxConcurrentStreams();
    Http2Settings settings = Http2Settings.defaultSettings()
        .pushEnabled(false)
        .initialWindowSize(ctx.settings().http2().initialStreamWindowSize())
        .maxHeaderListSize(PoolSettings.MAX_HEADER_BYTES);
    Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
        .initialSettings(settings)
        .autoAckSettingsFrame(true)
        .autoAckPingFrame(true)
        .build();
    channel.pipeline().addLast("h2", codec);
    channel.pipeline().addLast("mux", new Http2MultiplexHandler(REFUSE_PUSHED_STREAMS));
    channel.pipeline().addLast("pool", this);
    int connectionWindow = ctx.settings().http2().initialConnectionWindowSize();
    try {
      int delta = connectionWindow - codec.connection().local().flowController()
          .windowSize(codec.connection().connectionStream());
      if (delta > 0) {
        codec.connection().local().flowController().incrementWindowSize(codec.connection().connectionStream(), delta);
      }
    } catch (io.netty.handler.codec.http2.Http2Exception e) {
      channel.close();
    }
    this.streams = new Http2StreamChannelBootstrap(channel).option(ChannelOption.AUTO_READ, false);
    channel.config().setAutoRead(true); // frames for every stream arrive here; streams apply their own back-pressure
    channel.flush();
    if (!channel.isActive()) {
      goingAway = true;
    }
  }

  boolean canOpenStream() {
    return ready && !goingAway && !drainWhenIdle && active < maxConcurrent && channel.isActive();
  }

  void openStream(Promise<UpstreamStream> p) {
    active++;
    opened++;
    idleSinceNanos = 0;
    if (maxRequests > 0 && opened >= maxRequests) {
      ctx.stats().cxMaxRequests.inc();
      goingAway = true; // this was the last stream allowed here
    }
    streams.open().addListener((Future<Http2StreamChannel> f) -> {
      if (!f.isSuccess()) {
        onStreamClosed();
        p.tryFailure(new UpstreamFailure(UpstreamFailure.Reason.CONNECTION_FAILURE,
            "opening a stream to " + host + " failed: " + f.cause().getMessage(), f.cause()));
        return;
      }
      Http2StreamChannel child = f.getNow();
      child.closeFuture().addListener(x -> onStreamClosed());
      Http2Stream stream = new Http2Stream(child, host, ctx);
      if (!p.trySuccess(stream)) {
        stream.reset(); // the caller gave up meanwhile
      }
    });
  }

  private void onStreamClosed() {
    active--;
    if (active == 0) {
      if (goingAway || drainWhenIdle || host.draining()) {
        channel.close();
        return;
      }
      becameIdle();
    }
    pool.servePending();
  }

  void drainWhenIdle() {
    drainWhenIdle = true;
    if (active == 0) {
      channel.close();
    }
  }

  private void becameIdle() {
    idleSinceNanos = System.nanoTime();
    if (idleTimeoutNanos > 0 && idleTimer == null) {
      idleTimer = channel.eventLoop().schedule(this::checkIdle, idleTimeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void checkIdle() {
    idleTimer = null;
    if (active > 0 || !channel.isActive() || idleSinceNanos == 0) {
      return;
    }
    long idleFor = System.nanoTime() - idleSinceNanos;
    if (idleFor >= idleTimeoutNanos) {
      ctx.stats().cxIdleTimeout.inc();
      channel.close();
    } else {
      idleTimer = channel.eventLoop().schedule(this::checkIdle, idleTimeoutNanos - idleFor, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext c, Object msg) {
    try {
      if (msg instanceof Http2SettingsFrame settings) {
        Long peerLimit = settings.settings().maxConcurrentStreams();
        maxConcurrent = Math.min(ctx.settings().http2().maxConcurrentStreams(), peerLimit == null ? Long.MAX_VALUE : peerLimit);
        if (!ready) {
          ready = true;
          becameIdle();
          pool.onConnectionReady(this);
        } else {
          pool.servePending();
        }
      } else if (msg instanceof Http2GoAwayFrame) {
        // Streams the server accepted finish; nothing new goes here.
        goingAway = true;
        if (active == 0) {
          channel.close();
        }
        pool.servePending();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext c) {
    goingAway = true;
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
    pool.onConnectionClosed(this, ready);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
    channel.close();
  }
}
