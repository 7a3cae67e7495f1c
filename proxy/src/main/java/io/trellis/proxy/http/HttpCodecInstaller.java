package io.trellis.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.trellis.proxy.config.listener.CodecType;
import io.trellis.proxy.http.h1.Http1ServerConnection;
import io.trellis.proxy.http.h2.Http2ServerConnection;
import io.trellis.proxy.network.Drainable;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Puts a connection manager on an accepted connection: HTTP/1.1 or HTTP/2 by {@code codec_type}, or
 * for AUTO by the first bytes (the HTTP/2 client preface) or an ALPN/inspector result of "h2"/"h2c".
 */
public final class HttpCodecInstaller {
  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private HttpCodecInstaller() {}

  /**
   * Installs the codec on {@code ch} (whose pipeline is otherwise empty past any listener handlers)
   * and returns the connection's drain handle.
   */
  public static Drainable install(Channel ch, HttpConnectionManager hcm, ConnectionInfo info, String applicationProtocol) {
    hcm.stats().cxTotal.inc();
    hcm.stats().cxActive.inc();
    ch.closeFuture().addListener(f -> hcm.stats().cxActive.dec());
    CodecType type = hcm.config().codecType();
    if (type == CodecType.AUTO && ("h2".equals(applicationProtocol) || "h2c".equals(applicationProtocol))) {
      type = CodecType.HTTP2;
    }
    ch.pipeline().addLast(FLUSH_CONSOLIDATION, flushConsolidation(type == CodecType.HTTP2));
    switch (type) {
      case HTTP1 -> {
        Http1ServerConnection h1 = new Http1ServerConnection(hcm, info);
        Http1ServerConnection.install(ch, hcm, info, h1);
        return h1;
      }
      case HTTP2 -> {
        return Http2ServerConnection.install(ch, hcm, info);
      }
      default -> {
        ProtocolSniffer sniffer = new ProtocolSniffer(hcm, info);
        ch.pipeline().addLast("protocol-sniffer", sniffer);
        return sniffer;
      }
    }
  }

  private static final String FLUSH_CONSOLIDATION = "flush-consolidation";

  /**
   * Flushes made while the connection is read are gathered until the read ends (pipelined requests,
   * local replies). Outside a read: HTTP/1.1 responses come one per connection from the upstream
   * read, so they are flushed at once (no deferred flush task per response); HTTP/2 responses of many
   * streams arrive in one event-loop turn, so their flushes are deferred to its end and leave in one write.
   */
  private static FlushConsolidationHandler flushConsolidation(boolean http2) {
    return new FlushConsolidationHandler(64, http2);
  }

  /** Chooses the codec from the first bytes: the HTTP/2 preface means HTTP/2, anything else HTTP/1.1. */
  private static final class ProtocolSniffer extends ByteToMessageDecoder implements Drainable {
    private final HttpConnectionManager hcm;
    private final ConnectionInfo info;
    private volatile Drainable chosen;
    private volatile boolean drainRequested;

    ProtocolSniffer(HttpConnectionManager hcm, ConnectionInfo info) {
      this.hcm = hcm;
      this.info = info;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
      super.handlerAdded(ctx);
      if (ctx.channel().isActive()) {
        ctx.read();
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      ctx.read();
      super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
      int n = Math.min(in.readableBytes(), PREFACE.length);
      boolean h2 = true;
      for (int i = 0; i < n; i++) {
        if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
          h2 = false;
          break;
        }
      }
      if (h2 && n < PREFACE.length) {
        return;
      }
      Channel ch = ctx.channel();
      Drainable d;
      if (h2) {
        // same place in the pipeline (ahead of the sniffer), HTTP/2's deferral
        ch.pipeline().replace(FLUSH_CONSOLIDATION, FLUSH_CONSOLIDATION, flushConsolidation(true));
        d = Http2ServerConnection.install(ch, hcm, info);
      } else {
        Http1ServerConnection h1 = new Http1ServerConnection(hcm, info);
        Http1ServerConnection.install(ch, hcm, info, h1);
        d = h1;
      }
      chosen = d;
      ch.pipeline().remove(this);
      if (drainRequested) {
        d.drain();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
      super.channelReadComplete(ctx);
      if (chosen == null && ctx.channel().isActive()) {
        ctx.read();
      }
    }

    @Override
    public void drain() {
      Drainable d = chosen;
      if (d != null) {
        d.drain();
      } else {
        drainRequested = true;
      }
    }

    static String hex(ByteBuf b) {
      return ByteBufUtil.hexDump(b);
    }
  }
}
