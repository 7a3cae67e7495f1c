package io.trellis.proxy.http.h1;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.trellis.proxy.http.ActiveStream;
import io.trellis.proxy.http.ConnectionInfo;
import io.trellis.proxy.http.DownstreamStream;
import io.trellis.proxy.http.HttpConnectionManager;
import io.trellis.proxy.http.TimeoutQueue;
import io.trellis.proxy.network.Drainable;
import io.trellis.proxy.upstream.HttpProtocol;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 downstream connection. Requests are validated beyond what the decoder checks (version,
 * a single valid Host, header count, request-target form), then run one at a time: parts of pipelined
 * requests wait in a backlog until the response before them is complete, so responses leave in
 * request order. Auto-read is off: the socket is read when the current request wants more, or, once
 * the current request is complete, one read ahead so the socket's read interest is not toggled per request.
 * Malformed input gets a 400 or 431 local reply and the connection closes; nothing is forwarded.
 */
public final class Http1ServerConnection extends ChannelDuplexHandler
    implements DownstreamStream, Drainable, RequestHeadScreen.HeadWatcher {
  private final HttpConnectionManager hcm;
  private final ConnectionInfo connection;
  private ChannelHandlerContext ctx;
  private RequestHeadScreen screen;
  private ActiveStream current;
  private boolean currentRequestComplete;
  private boolean discardingBody;
  private boolean closeAfterResponse;
  private boolean keepAliveHttp10;
  private boolean isHead;
  private boolean isConnect;
  private volatile boolean draining;
  private boolean closing;
  private boolean delivering;
  private final ArrayDeque<Object> backlog = new ArrayDeque<>(2);
  private ScheduledFuture<?> idleTimer;
  private long idleSince = -1;
  private TimeoutQueue.Timeout headersTimer;
  private boolean headStartDeferred;
  private boolean currentIsTunnel;

  @Override
  public void headStarted() {
    if (current != null) {
      // the next request's head, read ahead while this one is in flight: its time starts when the
      // connection is ready for it (as if it had been read then), not while the response is awaited
      headStartDeferred = true;
      return;
    }
    if (headersTimer == null) {
      headersTimer = TimeoutQueue.start(ctx.channel().eventLoop(), hcm.config().requestHeadersTimeout(), () -> {
        headersTimer = null;
        if (!closing) {
          // Envoy answers a request whose headers did not arrive in time with 408 and closes
          hcm.stats().rqTimeout.inc();
          protocolError(408, "request_headers_timeout");
        }
      });
    }
  }

  @Override
  public void headEnded() {
    headStartDeferred = false;
    if (headersTimer != null) {
      headersTimer.cancel();
      headersTimer = null;
    }
  }

  public Http1ServerConnection(HttpConnectionManager hcm, ConnectionInfo connection) {
    this.hcm = hcm;
    this.connection = connection;
  }

  /** The handlers of an HTTP/1.1 connection, in pipeline order. */
  public static void install(Channel ch, HttpConnectionManager hcm, ConnectionInfo info, Http1ServerConnection handler) {
    int limit = hcm.config().maxRequestHeadersKb() * 1024;
    ch.pipeline().addLast("h1-screen", new RequestHeadScreen());
    ch.pipeline().addLast("h1-codec", new HttpServerCodec(
        new io.netty.handler.codec.http.HttpDecoderConfig()
            .setMaxInitialLineLength(limit)
            .setMaxHeaderSize(limit)
            .setMaxChunkSize(64 * 1024)
            .setStrictLineParsing(true)
            .setAllowDuplicateContentLengths(false)
            .setValidateHeaders(true)));
    ch.pipeline().addLast("h1-connection", handler);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.screen = ctx.pipeline().get(RequestHeadScreen.class);
    if (screen != null && !hcm.config().requestHeadersTimeout().isZero()) {
      screen.watch(this);
    }
    hcm.stats().cxHttp1Total.inc();
    if (ctx.channel().isActive()) {
      askRead();
      armIdleTimer();
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    askRead();
    armIdleTimer();
    ctx.fireChannelActive();
  }

  // ---- inbound ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    readAsked = false; // the transport read the socket (its pending read is used before it passes data on)
    if (closing) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest r && !r.decoderResult().isFailure()) {
      frameForScreen(r);
    } else if (msg instanceof LastHttpContent && !((LastHttpContent) msg).decoderResult().isFailure() && screen != null) {
      screen.onMessageEnd();
    }
    // Everything decoded from one read is dispatched at read-complete, so a request whose own bytes
    // turn out malformed later in the same read is refused before anything reaches an upstream.
    backlog.add(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    readAsked = false; // a socket read ended: any read asked for before it has been used
    drainBacklog();
    ctx.fireChannelReadComplete();
  }

  /** Whether the backlog holds the end of the current request (before any next request). */
  private boolean restOfRequestBuffered() {
    for (Object o : backlog) {
      if (o instanceof MalformedRequest || o instanceof HttpRequest || o instanceof HttpObject h && h.decoderResult().isFailure()) {
        return false;
      }
      if (o instanceof LastHttpContent) {
        return true;
      }
    }
    return false;
  }

  /** Whether the request starting the backlog is followed, before the next request, by a decode failure. */
  private boolean failureAhead() {
    boolean first = true;
    for (Object o : backlog) {
      if (!first && (o instanceof HttpRequest r && !r.decoderResult().isFailure())) {
        return false;
      }
      first = false;
      if (o instanceof MalformedRequest || o instanceof HttpObject h && h.decoderResult().isFailure()) {
        return true;
      }
    }
    return false;
  }

  private void frameForScreen(HttpRequest r) {
    if (screen == null) {
      return;
    }
    if (HttpUtil.isTransferEncodingChunked(r)) {
      screen.onHead(0, true);
    } else {
      String cl = r.headers().get(HttpHeaderNames.CONTENT_LENGTH);
      screen.onHead(cl == null ? 0 : parseLength(cl), false);
    }
  }

  private static long parseLength(String cl) {
    try {
      return Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void dispatch(Object msg) {
    if (msg instanceof MalformedRequest m) {
      protocolError(m.status(), m.details());
      return;
    }
    HttpObject obj = (HttpObject) msg;
    if (obj.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      Throwable cause = obj.decoderResult().cause();
      protocolError(cause instanceof TooLongFrameException ? 431 : 400, String.valueOf(cause.getMessage()));
      return;
    }
    if (obj instanceof HttpRequest request) {
      startRequest(request);
      if (obj instanceof HttpContent c) {
        deliverContent(c);
      }
      return;
    }
    deliverContent((HttpContent) obj);
  }

  private void deliverContent(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    if (current == null || discardingBody || currentRequestComplete) {
      c.release();
      if (last) {
        discardingBody = false;
        currentRequestComplete = true;
        maybeNext();
      }
      return;
    }
    if (last) {
      currentRequestComplete = true;
    }
    current.onRequestContent(c);
  }

  private void startRequest(HttpRequest request) {
    cancelIdleTimer();
    String error = validate(request);
    if (error != null) {
      ReferenceCountUtil.release(request);
      int status = error.startsWith("431") ? 431 : 400;
      protocolError(status, error);
      return;
    }
    HttpHeaders h = request.headers();
    boolean http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
    keepAliveHttp10 = http10 && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE, true);
    closeAfterResponse = draining || (http10 ? !keepAliveHttp10 : h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE, true));
    isHead = request.method().equals(HttpMethod.HEAD);
    isConnect = request.method().equals(HttpMethod.CONNECT);
    if (h.containsValue(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE, true)) {
      h.remove(HttpHeaderNames.EXPECT);
      if (!http10) {
        ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
      }
    }
    boolean upgrade = isUpgradeAllowed(request);
    currentIsTunnel = upgrade || isConnect;
    boolean endStream = !HttpUtil.isTransferEncodingChunked(request) && parseLength(h.get(HttpHeaderNames.CONTENT_LENGTH, "0")) == 0;
    http10Client = http10;
    // A bodiless request is complete at its headers; the decoder's empty LastHttpContent is then dropped.
    currentRequestComplete = endStream;
    discardingBody = false;
    current = hcm.newStream(this, connection);
    current.onRequestHeaders(request, endStream, upgrade);
  }

  private boolean http10Client;

  private boolean isUpgradeAllowed(HttpRequest request) {
    String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
    if (upgrade == null || !request.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
      return false;
    }
    List<String> allowed = hcm.config().upgradeTypes();
    return allowed.contains(upgrade.trim().toLowerCase(Locale.ROOT));
  }

  /** Checks RFC 9112 rules the decoder does not; returns why the request is refused, or null. */
  private String validate(HttpRequest request) {
    HttpVersion v = request.protocolVersion();
    if (v.majorVersion() != 1 || v.minorVersion() > 1) {
      return "400 unsupported HTTP version " + v;
    }
    HttpHeaders h = request.headers();
    if (h.size() > hcm.config().maxRequestHeadersCount()) {
      return "431 too many headers";
    }
    String uri = request.uri();
    HttpMethod method = request.method();
    if (method.equals(HttpMethod.CONNECT)) {
      if (uri.isEmpty() || uri.charAt(0) == '/' || uri.indexOf('/') >= 0 || uri.indexOf(':') < 0) {
        return "400 CONNECT needs an authority-form target";
      }
    } else if (uri.equals("*")) {
      if (!method.equals(HttpMethod.OPTIONS)) {
        return "400 asterisk-form target only with OPTIONS";
      }
    } else if (uri.startsWith("http://") || uri.startsWith("https://")) {
      int start = uri.indexOf("://") + 3;
      int slash = uri.indexOf('/', start);
      int q = uri.indexOf('?', start);
      int endAuthority = slash < 0 ? (q < 0 ? uri.length() : q) : (q >= 0 && q < slash ? q : slash);
      String authority = uri.substring(start, endAuthority);
      if (authority.isEmpty() || !validHost(authority)) {
        return "400 invalid absolute-form authority";
      }
      String rest = uri.substring(endAuthority);
      request.setUri(rest.isEmpty() || rest.charAt(0) == '?' ? "/" + rest : rest);
      h.set(HttpHeaderNames.HOST, authority);
    } else if (uri.isEmpty() || uri.charAt(0) != '/') {
      return "400 invalid request target";
    }
    // one pass over the Host values, without collecting them into a list
    java.util.Iterator<String> hosts = h.valueStringIterator(HttpHeaderNames.HOST);
    if (!hosts.hasNext()) {
      if (v.minorVersion() == 1) {
        return "400 missing Host header";
      }
    } else {
      String host = hosts.next();
      if (hosts.hasNext()) {
        return "400 multiple Host headers";
      }
      if (!validHost(host)) {
        return "400 invalid Host header";
      }
    }
    // header names were validated as tokens by the decoder (no ':' pseudo-headers, no empty names)
    return null;
  }

  private static boolean validHost(String host) {
    if (host.isEmpty()) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '.' || c == '-' || c == ':' || c == '[' || c == ']' || c == '_' || c == '~' || c == '%'
          || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')' || c == '*' || c == '+'
          || c == ',' || c == ';' || c == '=';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private void protocolError(int status, String details) {
    if (status != 408) {
      hcm.stats().cxProtocolError.inc();
    }
    hcm.stats().rqTotal.inc();
    hcm.stats().responseCode(status);
    closing = true;
    heldHead = null;
    backlog.forEach(ReferenceCountUtil::release);
    backlog.clear();
    byte[] body = (status == 431 ? "Request Header Fields Too Large" : status == 408 ? "request timeout" : "Bad Request")
        .getBytes(StandardCharsets.US_ASCII);
    FullHttpResponse response = new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.SERVER, hcm.config().serverName())
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    if (current != null) {
      current.onDownstreamReset();
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  // ---- DownstreamStream ----

  @Override
  public void writeResponse(HttpObject part, boolean flush) {
    if (closing && !(part instanceof HttpContent)) {
      ReferenceCountUtil.release(part);
      return;
    }
    if (part instanceof HttpResponse r) {
      HttpHeaders h = r.headers();
      int code = r.status().code();
      r.setProtocolVersion(HttpVersion.HTTP_1_1);
      if (code == 101) {
        // the upgrade's own Connection/Upgrade headers stay
      } else if (isConnect && code / 100 == 2) {
        // a tunnel follows: no body framing at all
        h.remove(HttpHeaderNames.CONTENT_LENGTH);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING);
      } else {
        h.remove(HttpHeaderNames.UPGRADE);
        boolean bodiless = isHead || code == 204 || code == 304 || code / 100 == 1;
        if (!bodiless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
          if (http10Client) {
            // no chunked coding for HTTP/1.0: the body ends when the connection closes
            closeAfterResponse = true;
            keepAliveHttp10 = false;
            h.remove(HttpHeaderNames.TRANSFER_ENCODING);
          } else {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
          }
        } else if (h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
          h.remove(HttpHeaderNames.TRANSFER_ENCODING);
        }
        if (code / 100 != 1) {
          if (closeAfterResponse || draining) {
            closeAfterResponse = true;
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
          } else if (keepAliveHttp10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
          } else {
            h.remove(HttpHeaderNames.CONNECTION);
          }
        }
      }
    }
    if (part instanceof HttpResponse head && !(part instanceof FullHttpResponse) && !flush && holdable(head)) {
      // Held until its first body part: a response whose body is complete by then (most small ones)
      // leaves as one message, encoded and written once. Nothing is delayed: an unflushed head would
      // not have left before that part's flush either.
      heldHead = head;
      return;
    }
    if (heldHead != null) {
      HttpResponse head = heldHead;
      heldHead = null;
      if (part instanceof LastHttpContent last) {
        FullHttpResponse whole = new DefaultFullHttpResponse(head.protocolVersion(), head.status(), last.content(),
            head.headers(), last.trailingHeaders());
        if (flush) {
          ctx.writeAndFlush(whole, ctx.voidPromise());
        } else {
          ctx.write(whole, ctx.voidPromise());
        }
        return;
      }
      ctx.write(head, ctx.voidPromise());
    }
    if (flush) {
      ctx.writeAndFlush(part, ctx.voidPromise());
    } else {
      ctx.write(part, ctx.voidPromise());
    }
  }

  /** A response head written without its body, held by {@link #writeResponse} until the first body part. */
  private HttpResponse heldHead;

  /** Whether a head may wait for its body: not the start of a tunnel, whose bytes follow unframed. */
  private boolean holdable(HttpResponse head) {
    int code = head.status().code();
    return code != 101 && code / 100 != 1 && !(isConnect && code / 100 == 2);
  }

  @Override
  public boolean isWritable() {
    return ctx.channel().isWritable();
  }

  private boolean readWanted;
  /** Whether a read was asked for that no socket read has used yet (the transport keeps it pending). */
  private boolean readAsked;

  /**
   * Asks the transport for a read unless one is already pending: a connection asks at several points
   * per request (read ahead, request complete, body wanted), and each ask walks the pipeline.
   */
  private void askRead() {
    if (!readAsked) {
      readAsked = true;
      ctx.read();
    }
  }

  @Override
  public void readRequest() {
    if (closing) {
      return;
    }
    if (delivering) {
      readWanted = true;
      return;
    }
    if (!backlog.isEmpty() && current != null) {
      drainBacklog();
      return;
    }
    askRead();
  }

  /** Delivers backlogged parts to the current request (and starts the next ones), without recursion. */
  private void drainBacklog() {
    if (delivering) {
      return;
    }
    delivering = true;
    try {
      while (!backlog.isEmpty() && !closing) {
        Object next = backlog.peek();
        boolean isNewRequest = next instanceof HttpRequest || next instanceof MalformedRequest;
        if (isNewRequest && current != null) {
          break;
        }
        if (next instanceof HttpRequest r && !r.decoderResult().isFailure() && failureAhead()) {
          Object failed = null;
          for (Object o : backlog) {
            if (o instanceof MalformedRequest || o instanceof HttpObject h && h.decoderResult().isFailure()) {
              failed = o;
              break;
            }
          }
          int status = failed instanceof MalformedRequest m ? m.status()
              : ((HttpObject) failed).decoderResult().cause() instanceof TooLongFrameException ? 431 : 400;
          protocolError(status, "malformed request");
          break;
        }
        backlog.poll();
        dispatch(next);
      }
    } finally {
      delivering = false;
    }
    if (!closing && backlog.isEmpty() && (current == null || readWanted || readAheadAllowed())) {
      readWanted = false;
      askRead();
    }
  }

  /**
   * Whether to keep the socket armed for reading while the current request, already complete, awaits
   * its response. Without this the event loop would take read interest off the socket after each
   * request and put it back after each response: two epoll_ctl calls per request, a third of the
   * proxy's system calls under keep-alive load (6.4 per request before, 4.3 after; 0.038 and 0.033
   * CPU-ms per request at a fixed 6,400 requests/s). What such a read brings (the next request, or a pipelined
   * one) waits in the backlog, and a non-empty backlog stops further reads, so at most one read's
   * worth is held. Tunnels (CONNECT, upgrades) are excluded: their bytes must not reach the codec,
   * and neither are connections that close after this response.
   */
  private boolean readAheadAllowed() {
    return current != null && currentRequestComplete && !currentIsTunnel && !closeAfterResponse && !draining;
  }

  private void maybeNext() {
    if (current == null && !closing) {
      if (!backlog.isEmpty()) {
        drainBacklog();
      } else {
        askRead();
      }
    }
  }

  @Override
  public void reset() {
    heldHead = null;
    if (!closing) {
      closing = true;
      ctx.close();
    }
  }

  @Override
  public Channel detachForTunnel() {
    heldHead = null;
    stopIdleTimer();
    closing = true;
    Channel ch = ctx.channel();
    if (screen != null) {
      screen.passThrough();
    }
    current = null;
    ch.pipeline().remove("h1-codec");
    if (ch.pipeline().get("h1-screen") != null) {
      ch.pipeline().remove("h1-screen");
    }
    ch.pipeline().remove(this);
    return ch;
  }

  @Override
  public void streamEnded(boolean requestComplete) {
    current = null;
    if (!requestComplete && !currentRequestComplete && restOfRequestBuffered()) {
      // answered early, but the rest of the request was already read: drop it and keep the connection
      discardingBody = true;
      currentRequestComplete = true;
    }
    if (!requestComplete && !currentRequestComplete || closeAfterResponse || draining) {
      closing = true;
      backlog.forEach(ReferenceCountUtil::release);
      backlog.clear();
      if (draining) {
        hcm.stats().cxDrainClose.inc();
      }
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    armIdleTimer();
    if (headStartDeferred) {
      headStartDeferred = false;
      headStarted();
    }
    if (delivering) {
      return;
    }
    if (!backlog.isEmpty()) {
      // The next request is already here (pipelined, or read ahead). It starts once this call stack,
      // which is usually delivering the upstream's last response part, has unwound: by then that
      // upstream connection is back in its pool and serves the next request instead of a new one.
      ctx.channel().eventLoop().execute(drainTask);
      return;
    }
    maybeNext();
  }

  private final Runnable drainTask = this::drainBacklog;

  @Override
  public EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  @Override
  public HttpProtocol protocol() {
    return HttpProtocol.HTTP_1_1;
  }

  @Override
  public boolean draining() {
    return draining;
  }

  // ---- connection events ----

  @Override
  public void drain() {
    if (ctx == null) {
      return;
    }
    if (draining) {
      return;
    }
    // set at once (volatile), not in a task: a request read in the same loop turn must already see it
    draining = true;
    eventLoop().execute(() -> {
      // An idle keep-alive connection is not closed at once: a request may already be on its way (the
      // keep-alive race). It gets Connection: close on that response, or is closed after the drain timeout.
      ctx.channel().eventLoop().schedule(() -> {
        if (current == null && !closing) {
          closing = true;
          hcm.stats().cxDrainClose.inc();
          ctx.close();
        }
      }, hcm.config().drainTimeout().toNanos(), TimeUnit.NANOSECONDS);
    });
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (current != null) {
      current.onDownstreamWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    heldHead = null;
    stopIdleTimer();
    headEnded();
    backlog.forEach(ReferenceCountUtil::release);
    backlog.clear();
    if (current != null) {
      ActiveStream s = current;
      current = null;
      s.onDownstreamReset();
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // I/O errors (e.g. connection reset by peer) end the connection; streams see a downstream reset
    ctx.close();
  }

  /**
   * Marks the connection idle. One timer per connection is kept and re-armed lazily (it checks how
   * long the connection has really been idle when it fires), so a busy keep-alive connection does not
   * schedule and cancel a task per request.
   */
  private void armIdleTimer() {
    Duration idle = hcm.config().idleTimeout();
    if (idle.isZero() || ctx == null) {
      return;
    }
    idleSince = System.nanoTime();
    if (idleTimer == null) {
      idleTimer = ctx.channel().eventLoop().schedule(this::checkIdle, idle.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void checkIdle() {
    idleTimer = null;
    if (closing) {
      return;
    }
    long limit = hcm.config().idleTimeout().toNanos();
    long idleFor = idleSince < 0 ? 0 : System.nanoTime() - idleSince;
    if (current == null && idleSince >= 0 && idleFor >= limit) {
      hcm.stats().cxIdleTimeout.inc();
      closing = true;
      ctx.close();
      return;
    }
    idleTimer = ctx.channel().eventLoop().schedule(this::checkIdle, limit - idleFor, TimeUnit.NANOSECONDS);
  }

  /** Marks the connection busy; the idle timer, if any, notices when it fires. */
  private void cancelIdleTimer() {
    idleSince = -1;
  }

  private void stopIdleTimer() {
    idleSince = -1;
    if (idleTimer != null) {
      idleTimer.cancel(false);
      idleTimer = null;
    }
  }

}
