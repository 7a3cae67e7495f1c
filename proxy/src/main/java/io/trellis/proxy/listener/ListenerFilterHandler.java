package io.trellis.proxy.listener;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the TLS and HTTP inspectors: peeks at the first bytes without consuming them until it knows
 * the transport protocol, SNI and application protocols, then hands the connection (and every byte it
 * peeked) to the chosen filter chain. Gives up after {@code listener_filters_timeout}: then the
 * connection is matched with what is known, or closed, as configured.
 */
final class ListenerFilterHandler extends ByteToMessageDecoder {
  private static final byte[] H2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int MAX_PEEK = 16 * 1024 + 5;

  /** What the inspectors found. */
  record Inspection(String transportProtocol, String serverName, List<String> applicationProtocols) {}

  private final boolean tls;
  private final boolean http;
  private final Duration timeout;
  private final boolean continueOnTimeout;
  private final Consumer<Inspection> onDone;
  private ScheduledFuture<?> timer;
  private boolean done;

  ListenerFilterHandler(boolean tls, boolean http, Duration timeout, boolean continueOnTimeout, Consumer<Inspection> onDone) {
    this.tls = tls;
    this.http = http;
    this.timeout = timeout;
    this.continueOnTimeout = continueOnTimeout;
    this.onDone = onDone;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    super.handlerAdded(ctx);
    if (!timeout.isZero()) {
      timer = ctx.channel().eventLoop().schedule(() -> onTimeout(ctx), timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    ctx.read();
  }

  private void onTimeout(ChannelHandlerContext ctx) {
    if (done) {
      return;
    }
    if (continueOnTimeout) {
      finish(ctx, new Inspection("raw_buffer", "", List.of()));
    } else {
      done = true;
      ctx.close();
    }
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (done) {
      return;
    }
    String transport = "raw_buffer";
    String sni = "";
    List<String> alpn = List.of();
    if (tls) {
      ClientHelloParser.Result r = ClientHelloParser.parse(in);
      if (!r.complete()) {
        if (in.readableBytes() >= MAX_PEEK) {
          finish(ctx, new Inspection("tls", "", List.of()));
        }
        return;
      }
      if (r.tls()) {
        finish(ctx, new Inspection("tls", r.serverName(), r.alpn()));
        return;
      }
    }
    if (http) {
      String proto = inspectHttp(in);
      if (proto == null) {
        if (in.readableBytes() >= MAX_PEEK) {
          finish(ctx, new Inspection(transport, sni, alpn));
        }
        return;
      }
      finish(ctx, new Inspection(transport, sni, proto.isEmpty() ? List.of() : List.of(proto)));
      return;
    }
    finish(ctx, new Inspection(transport, sni, alpn));
  }

  /** "h2c", "http/1.1", "http/1.0", "" when not HTTP, or null when more bytes are needed. */
  static String inspectHttp(ByteBuf in) {
    int n = in.readableBytes();
    int start = in.readerIndex();
    boolean preface = true;
    for (int i = 0; i < Math.min(n, H2_PREFACE.length); i++) {
      if (in.getByte(start + i) != H2_PREFACE[i]) {
        preface = false;
        break;
      }
    }
    if (preface) {
      return n >= H2_PREFACE.length ? "h2c" : null;
    }
    for (int i = 0; i < n; i++) {
      byte b = in.getByte(start + i);
      if (b == '\r' || b == '\n') {
        String line = in.toString(start, i, StandardCharsets.US_ASCII);
        if (line.endsWith(" HTTP/1.1")) {
          return "http/1.1";
        }
        if (line.endsWith(" HTTP/1.0")) {
          return "http/1.0";
        }
        return "";
      }
      if (b < 0x20 && b != '\t') {
        return "";
      }
    }
    return null;
  }

  private void finish(ChannelHandlerContext ctx, Inspection inspection) {
    done = true;
    if (timer != null) {
      timer.cancel(false);
    }
    onDone.accept(inspection);
    if (ctx.channel().isActive() && ctx.pipeline().context(this) != null) {
      ctx.pipeline().remove(this);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
    super.channelReadComplete(ctx);
    if (!done && ctx.channel().isActive()) {
      ctx.read();
    }
  }
}
