package io.trellis.proxy.http.h2;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.concurrent.ScheduledFuture;
import io.trellis.proxy.config.listener.Http2Options;
import io.trellis.proxy.http.ConnectionInfo;
import io.trellis.proxy.http.HttpConnectionManager;
import io.trellis.proxy.network.Drainable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 downstream connection: settings from the connection manager's {@code http2_protocol_options}
 * and header limits, a child channel per stream, the connection idle timeout, and graceful drain
 * (GOAWAY, then close when the last stream ends or the drain timeout passes).
 */
public final class Http2ServerConnection extends ChannelDuplexHandler implements Drainable {
  private final HttpConnectionManager hcm;
  private ChannelHandlerContext ctx;
  private int activeStreams;
  private boolean draining;
  private ScheduledFuture<?> idleTimer;

  private Http2ServerConnection(HttpConnectionManager hcm) {
    this.hcm = hcm;
  }

  /** Installs the HTTP/2 handlers; returns the drain handle. */
  public static Http2ServerConnection install(Channel ch, HttpConnectionManager hcm, ConnectionInfo info) {
    Http2Options o = hcm.config().http2Options();
    Http2Settings settings = Http2Settings.defaultSettings()
        .maxConcurrentStreams(o.maxConcurrentStreams())
        .initialWindowSize(o.initialStreamWindowSize())
        .maxHeaderListSize(hcm.config().maxRequestHeadersKb() * 1024L);
    Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
        .initialSettings(settings)
        .validateHeaders(true)
        .autoAckSettingsFrame(true)
        .gracefulShutdownTimeoutMillis(hcm.config().drainTimeout().toMillis())
        .build();
    Http2ServerConnection connection = new Http2ServerConnection(hcm);
    Http2MultiplexHandler multiplex = new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
      @Override
      protected void initChannel(Http2StreamChannel stream) {
        stream.config().setAutoRead(false);
        stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true, true));
        stream.pipeline().addLast(new Http2StreamHandler(hcm, info, connection));
      }
    });
    ch.pipeline().addLast("h2-codec", codec);
    ch.pipeline().addLast("h2-connection", connection);
    ch.pipeline().addLast("h2-multiplex", multiplex);
    int connectionWindow = o.initialConnectionWindowSize();
    int delta = connectionWindow - 65535;
    if (delta > 0) {
      try {
        codec.connection().local().flowController().incrementWindowSize(codec.connection().connectionStream(), delta);
      } catch (io.netty.handler.codec.http2.Http2Exception e) {
        throw new IllegalStateException("http2 connection window: " + connectionWindow, e);
      }
    }
    hcm.stats().cxHttp2Total.inc();
    return connection;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    armIdleTimer();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.fireChannelActive();
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
    // the parent keeps reading: frames for streams are flow-controlled per stream by the children
    ctx.read();
  }

  void streamOpened() {
    activeStreams++;
    cancelIdleTimer();
  }

  void streamClosed() {
    activeStreams--;
    if (activeStreams == 0) {
      if (draining) {
        ctx.close();
      } else {
        armIdleTimer();
      }
    }
  }

  boolean isDraining() {
    return draining;
  }

  @Override
  public void drain() {
    if (ctx == null) {
      return;
    }
    ctx.channel().eventLoop().execute(() -> {
      if (draining) {
        return;
      }
      draining = true;
      hcm.stats().cxDrainClose.inc();
      // Http2ConnectionHandler.close sends GOAWAY and waits for active streams up to the drain timeout
      ctx.channel().close();
    });
  }

  private void armIdleTimer() {
    Duration idle = hcm.config().idleTimeout();
    if (idle.isZero() || ctx == null) {
      return;
    }
    cancelIdleTimer();
    idleTimer = ctx.channel().eventLoop().schedule(() -> {
      if (activeStreams == 0) {
        hcm.stats().cxIdleTimeout.inc();
        ctx.channel().close();
      }
    }, idle.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelIdleTimer() {
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelIdleTimer();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
