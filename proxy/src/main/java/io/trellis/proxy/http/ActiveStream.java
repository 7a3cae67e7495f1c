package io.trellis.proxy.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.trellis.proxy.http.filter.FilterStatus;
import io.trellis.proxy.http.filter.HttpFilter;
import io.trellis.proxy.http.filter.HttpFilterCallbacks;
import io.trellis.proxy.http.filter.HttpFilterFactory;
import io.trellis.proxy.router.RequestView;
import io.trellis.proxy.router.RouteTable;
import io.trellis.proxy.router.SelectedRoute;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * One request through the connection manager: header preparation, the filter chain in both
 * directions, timers, and the {@link StreamInfo}. Confined to the connection's event loop.
 *
 * <p>Parts travel as normalized events: the {@code HttpRequest}/{@code HttpResponse} (headers), a
 * non-last {@code HttpContent} (data), a {@code LastHttpContent} without trailers (data that ends the
 * stream) or a {@code LastHttpContent} with trailers and no bytes (trailers). A filter that stops
 * iteration parks the event; later events wait in a queue unseen, and the downstream is not read
 * meanwhile, so at most one read's worth is buffered.
 */
public final class ActiveStream {
  /** gRPC's DEADLINE_EXCEEDED: what a gRPC client reads when the stream ran out of time. */
  private static final int GRPC_DEADLINE_EXCEEDED = 4;
  private final HttpConnectionManager hcm;
  private final DownstreamStream downstream;
  private final ConnectionInfo connection;
  private final StreamInfo info;
  private final RouteTable routeTable;
  private HttpFilter[] filters;
  private Slot[] slots;
  private HttpRequest request;
  private boolean requestEndAtHeaders;
  private SelectedRoute route;
  private boolean routeResolved;

  private int decodePausedAt = -1;
  private HttpObject decodeParked;
  private ArrayDeque<HttpObject> decodeQueue;
  private int encodePausedAt = -1;
  private HttpObject encodeParked;
  private ArrayDeque<HttpObject> encodeQueue;
  private boolean responseEndAtHeaders;

  private boolean requestComplete;
  private boolean responseStarted;
  private boolean responseComplete;
  private boolean decodingAborted;
  private boolean finished;
  private boolean tunneled;
  private int readPauses;
  private long lastActivityNanos;
  private Duration idleTimeout;
  private TimeoutQueue.Timeout idleTimer;
  private TimeoutQueue.Timeout requestTimer;
  private TimeoutQueue.Timeout durationTimer;

  ActiveStream(HttpConnectionManager hcm, DownstreamStream downstream, ConnectionInfo connection) {
    this.hcm = hcm;
    this.downstream = downstream;
    this.connection = connection;
    this.info = new StreamInfo(hcm.clock().millis(), System.nanoTime(), downstream.protocol(), connection);
    this.routeTable = hcm.routes().current();
    hcm.stats().rqTotal.inc();
    hcm.stats().rqActive.inc();
    switch (downstream.protocol()) {
      case HTTP_1_1 -> hcm.stats().rqHttp1Total.inc();
      case HTTP_2 -> hcm.stats().rqHttp2Total.inc();
    }
  }

  public StreamInfo info() {
    return info;
  }

  public boolean finished() {
    return finished;
  }

  public boolean responseStarted() {
    return responseStarted;
  }

  // ---- from the codec ----

  /** The request's headers; {@code endStream} when it has no body. */
  public void onRequestHeaders(HttpRequest req, boolean endStream, boolean upgrade) {
    this.request = req;
    this.requestEndAtHeaders = endStream;
    this.requestComplete = endStream;
    this.lastActivityNanos = System.nanoTime();
    startTimers();
    RequestHeadersPreparer.Rejection rejection = hcm.preparer().prepare(req, connection, upgrade, info);
    if (rejection != null) {
      if (rejection.location() != null) {
        sendLocalReply(-1, rejection.status(), "", null, rejection.details(), rejection.location());
      } else {
        sendLocalReply(-1, rejection.status(), "Bad Request", null, rejection.details(), null);
      }
      return;
    }
    HttpFilterFactory[] factories = hcm.filterFactories();
    filters = new HttpFilter[factories.length];
    slots = new Slot[factories.length];
    for (int i = 0; i < factories.length; i++) {
      slots[i] = new Slot(i);
      filters[i] = factories[i].create(slots[i]);
    }
    decodeFrom(0, req);
    maybeReadMore();
  }

  /** A body part, or the last one (possibly with trailers). */
  public void onRequestContent(HttpContent content) {
    if (content instanceof LastHttpContent) {
      requestComplete = true;
      cancelRequestTimer();
    }
    if (finished || decodingAborted || filters == null) {
      content.release();
      maybeFinish();
      return;
    }
    lastActivityNanos = System.nanoTime();
    info.addBytesReceived(content.content().readableBytes());
    if (content instanceof LastHttpContent last && !last.trailingHeaders().isEmpty() && last.content().isReadable()) {
      HttpContent data = new DefaultHttpContent(last.content().retain());
      LastHttpContent trailers = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, last.trailingHeaders());
      last.release();
      decodeEvent(data);
      if (!decodingAborted && !finished) {
        decodeEvent(trailers);
      }
    } else {
      decodeEvent(content);
    }
    maybeReadMore();
  }

  public void onDownstreamWritabilityChanged(boolean writable) {
    if (filters == null || finished) {
      return;
    }
    for (HttpFilter f : filters) {
      f.onDownstreamWritabilityChanged(writable);
    }
  }

  /** The downstream went away (connection closed, or RST_STREAM) before the stream finished. */
  public void onDownstreamReset() {
    if (finished) {
      return;
    }
    hcm.stats().rqRxReset.inc();
    info.addFlag(ResponseFlag.DOWNSTREAM_CONNECTION_TERMINATION);
    finish(false, true);
  }

  // ---- decode iteration ----

  private void decodeEvent(HttpObject event) {
    if (decodePausedAt >= 0 || decodeQueue != null && !decodeQueue.isEmpty()) {
      if (decodeQueue == null) {
        decodeQueue = new ArrayDeque<>(4);
      }
      decodeQueue.add(event);
      return;
    }
    decodeFrom(0, event);
  }

  private void decodeFrom(int start, HttpObject event) {
    int last = filters.length - 1;
    for (int i = start; i <= last; i++) {
      FilterStatus status = dispatchDecode(filters[i], event);
      if (decodingAborted || finished) {
        if (i < last) {
          ReferenceCountUtil.release(event);
        }
        return;
      }
      if (status == FilterStatus.STOP_ITERATION && i < last) {
        decodePausedAt = i;
        decodeParked = event;
        return;
      }
    }
  }

  private FilterStatus dispatchDecode(HttpFilter f, HttpObject event) {
    if (event instanceof HttpRequest r) {
      return f.decodeHeaders(r, requestEndAtHeaders);
    }
    if (event instanceof LastHttpContent l) {
      return l.trailingHeaders().isEmpty() ? f.decodeData(l, true) : f.decodeTrailers(l.trailingHeaders());
    }
    return f.decodeData((HttpContent) event, false);
  }

  private void resumeDecoding(int index) {
    if (finished || decodingAborted || decodePausedAt != index) {
      return;
    }
    HttpObject parked = decodeParked;
    decodePausedAt = -1;
    decodeParked = null;
    decodeFrom(index + 1, parked);
    while (decodePausedAt < 0 && !decodingAborted && !finished && decodeQueue != null && !decodeQueue.isEmpty()) {
      decodeFrom(0, decodeQueue.poll());
    }
    maybeReadMore();
  }

  private void maybeReadMore() {
    if (!requestComplete && !finished && !decodingAborted && !tunneled && decodePausedAt < 0 && readPauses == 0
        && (decodeQueue == null || decodeQueue.isEmpty())) {
      downstream.readRequest();
    }
  }

  // ---- encode iteration ----

  private void encodeEvent(int from, HttpObject event) {
    if (finished) {
      ReferenceCountUtil.release(event);
      return;
    }
    if (encodePausedAt >= 0 || encodeQueue != null && !encodeQueue.isEmpty()) {
      if (encodeQueue == null) {
        encodeQueue = new ArrayDeque<>(4);
      }
      encodeQueue.add(event);
      return;
    }
    encodeFrom(from, event);
  }

  private void encodeFrom(int start, HttpObject event) {
    for (int i = start; i >= 0; i--) {
      FilterStatus status = dispatchEncode(filters[i], event);
      if (finished) {
        ReferenceCountUtil.release(event);
        return;
      }
      if (status == FilterStatus.STOP_ITERATION) {
        encodePausedAt = i;
        encodeParked = event;
        return;
      }
    }
    writeDownstream(event);
  }

  private FilterStatus dispatchEncode(HttpFilter f, HttpObject event) {
    if (event instanceof HttpResponse r) {
      return f.encodeHeaders(r, responseEndAtHeaders);
    }
    if (event instanceof LastHttpContent l) {
      return l.trailingHeaders().isEmpty() ? f.encodeData(l, true) : f.encodeTrailers(l.trailingHeaders());
    }
    return f.encodeData((HttpContent) event, false);
  }

  private void resumeEncoding(int index) {
    if (finished || encodePausedAt != index) {
      return;
    }
    HttpObject parked = encodeParked;
    encodePausedAt = -1;
    encodeParked = null;
    encodeFrom(index - 1, parked);
    while (encodePausedAt < 0 && !finished && encodeQueue != null && !encodeQueue.isEmpty()) {
      encodeFrom(filters.length - 2, encodeQueue.poll());
    }
  }

  private void writeDownstream(HttpObject event) {
    lastActivityNanos = System.nanoTime();
    if (event instanceof HttpResponse r) {
      info.responseCode(r.status().code());
      r.headers().set(HttpHeaderNames.SERVER, hcm.config().serverName());
      boolean informational = r.status().code() / 100 == 1 && r.status().code() != 101;
      downstream.writeResponse(r, responseEndAtHeaders || informational);
      if (informational) {
        responseStarted = false;
        return;
      }
      if (responseEndAtHeaders) {
        downstream.writeResponse(LastHttpContent.EMPTY_LAST_CONTENT, true);
        responseDone();
      }
      return;
    }
    HttpContent c = (HttpContent) event;
    info.addBytesSent(c.content().readableBytes());
    boolean last = c instanceof LastHttpContent;
    downstream.writeResponse(c, true);
    if (last) {
      responseDone();
    }
  }

  private void responseDone() {
    responseComplete = true;
    maybeFinish();
  }

  private void maybeFinish() {
    if (finished || !responseComplete) {
      return;
    }
    finish(requestComplete, false);
  }

  private void finish(boolean requestWasComplete, boolean reset) {
    if (finished) {
      return;
    }
    finished = true;
    info.endNanos(System.nanoTime());
    cancelRequestTimer();
    if (durationTimer != null) {
      durationTimer.cancel();
      durationTimer = null;
    }
    if (idleTimer != null) {
      idleTimer.cancel();
    }
    releaseQueued();
    if (filters != null) {
      for (HttpFilter f : filters) {
        try {
          f.onDestroy();
        } catch (RuntimeException e) {
          // a filter's cleanup failing must not leak the stream; nothing else to do here
        }
      }
    }
    hcm.stats().rqActive.dec();
    if (info.responseCode() > 0 && !reset) {
      hcm.stats().responseCode(info.responseCode());
    }
    try {
      hcm.observer().onComplete(info);
    } catch (RuntimeException e) {
      // an observer's failure must not break the connection
    }
    if (!tunneled) {
      if (reset) {
        downstream.reset();
      }
      downstream.streamEnded(requestWasComplete && !reset);
    }
  }

  private void releaseQueued() {
    if (decodeParked != null) {
      ReferenceCountUtil.release(decodeParked);
      decodeParked = null;
    }
    if (decodeQueue != null) {
      decodeQueue.forEach(ReferenceCountUtil::release);
      decodeQueue.clear();
    }
    if (encodeParked != null) {
      ReferenceCountUtil.release(encodeParked);
      encodeParked = null;
    }
    if (encodeQueue != null) {
      encodeQueue.forEach(ReferenceCountUtil::release);
      encodeQueue.clear();
    }
  }

  // ---- local replies and resets ----

  /**
   * Answers locally through the encode side of filters before {@code fromFilter} (-1: no filters).
   */
  void sendLocalReply(int fromFilter, int status, String body, ResponseFlag flag, String details, String location) {
    sendLocalReply(fromFilter, status, body, flag, details, location, null);
  }

  /**
   * As above; a gRPC request gets a gRPC reply instead — HTTP 200, trailers-only, with
   * {@code grpc-status} ({@code grpcStatus}, or the HTTP status mapped as gRPC does) — because gRPC
   * clients read the outcome from grpc-status, not from the HTTP status.
   */
  void sendLocalReply(
      int fromFilter, int status, String body, ResponseFlag flag, String details, String location, Integer grpcStatus) {
    if (finished) {
      return;
    }
    if (flag != null) {
      info.addFlag(flag);
    }
    info.responseCodeDetails(details);
    if (responseStarted) {
      resetStream(flag, details);
      return;
    }
    decodingAborted = true;
    if (decodeParked != null || decodeQueue != null) {
      if (decodeParked != null) {
        ReferenceCountUtil.release(decodeParked);
        decodeParked = null;
      }
      if (decodeQueue != null) {
        decodeQueue.forEach(ReferenceCountUtil::release);
        decodeQueue.clear();
      }
      decodePausedAt = -1;
    }
    if (request != null && GrpcStatusMapping.isGrpc(request.headers())) {
      HttpResponse grpc = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      grpc.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
          .setInt("grpc-status", grpcStatus != null ? grpcStatus : GrpcStatusMapping.fromHttp(status))
          .set("grpc-message", GrpcStatusMapping.encodeMessage(body == null ? "" : body))
          .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
      if (flag == ResponseFlag.UPSTREAM_OVERFLOW) {
        grpc.headers().set("x-envoy-overloaded", "true");
      }
      responseStarted = true;
      responseEndAtHeaders = true;
      encodeEvent(fromFilter - 1, grpc);
      return;
    }
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
    byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    HttpHeaders h = response.headers();
    if (bytes.length > 0) {
      h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
    }
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    if (location != null) {
      h.set(HttpHeaderNames.LOCATION, location);
    }
    if (flag == ResponseFlag.UPSTREAM_OVERFLOW) {
      h.set("x-envoy-overloaded", "true");
    }
    responseStarted = true;
    boolean isHead = request != null && request.method().name().equals("HEAD");
    if (bytes.length == 0 || isHead) {
      responseEndAtHeaders = true;
      encodeEvent(fromFilter - 1, response);
    } else {
      encodeEvent(fromFilter - 1, response);
      ByteBuf buf = Unpooled.wrappedBuffer(bytes);
      encodeEvent(fromFilter - 1, new DefaultLastHttpContent(buf));
    }
  }

  void resetStream(ResponseFlag flag, String details) {
    if (finished) {
      return;
    }
    if (flag != null) {
      info.addFlag(flag);
    }
    if (details != null) {
      info.responseCodeDetails(details);
    }
    hcm.stats().rqTxReset.inc();
    finish(false, true);
  }

  // ---- timers ----

  private void startTimers() {
    EventLoop loop = downstream.eventLoop();
    Duration idle = hcm.config().streamIdleTimeout();
    if (!idle.isZero()) {
      idleTimeout = idle;
      idleTimer = TimeoutQueue.start(loop, idle, this::checkIdle);
    }
    Duration max = hcm.config().maxStreamDuration();
    if (!max.isZero()) {
      // on the loop's own scheduler: one timer per stream only where configured, and on the loop's
      // clock, which tests can freeze and advance
      durationTimer = TimeoutQueue.startUnshared(loop, max, this::onMaxStreamDuration);
    }
    Duration rt = hcm.config().requestTimeout();
    if (!rt.isZero() && !requestComplete) {
      requestTimer = TimeoutQueue.start(loop, rt, () -> {
        if (!requestComplete && !finished) {
          hcm.stats().rqTimeout.inc();
          timeoutReply("request timeout", "request_overall_timeout", null);
        }
      });
    }
  }

  private void checkIdle() {
    if (finished || tunneled) {
      return;
    }
    long elapsed = System.nanoTime() - lastActivityNanos;
    long limit = idleTimeout.toNanos();
    if (elapsed >= limit) {
      hcm.stats().rqIdleTimeout.inc();
      timeoutReply("stream timeout", "stream_idle_timeout", ResponseFlag.STREAM_IDLE_TIMEOUT);
    } else {
      // still active: the rest of the time is rarely needed, so it goes to the loop's own scheduler
      idleTimer = TimeoutQueue.startUnshared(downstream.eventLoop(), Duration.ofNanos(limit - elapsed), this::checkIdle);
    }
  }

  /**
   * The connection manager's max_stream_duration: as Envoy, 408 while the request is still arriving,
   * 504 once it is in, a reset once the response has started (a gRPC request gets DEADLINE_EXCEEDED).
   * Tunnels (CONNECT, upgrades) are not limited.
   */
  private void onMaxStreamDuration() {
    durationTimer = null;
    if (finished || tunneled) {
      return;
    }
    hcm.stats().rqMaxDurationReached.inc();
    sendLocalReply(filters == null ? -1 : filters.length, requestComplete ? 504 : 408, "downstream duration timeout",
        null, "max_duration_timeout", null, GRPC_DEADLINE_EXCEEDED);
  }

  private void timeoutReply(String body, String details, ResponseFlag flag) {
    if (responseStarted) {
      resetStream(flag, details);
    } else {
      sendLocalReply(filters == null ? -1 : filters.length, 408, body, flag, details, null);
    }
  }

  private void cancelRequestTimer() {
    if (requestTimer != null) {
      requestTimer.cancel();
      requestTimer = null;
    }
  }

  /** Overrides the stream idle timeout (a route's {@code idle_timeout}); zero disables. */
  void setIdleTimeout(Duration timeout) {
    if (timeout.isZero()) {
      if (idleTimer != null) {
        idleTimer.cancel();
      }
      idleTimeout = null;
      return;
    }
    idleTimeout = timeout;
    if (idleTimer != null) {
      idleTimer.cancel();
    }
    idleTimer = TimeoutQueue.start(downstream.eventLoop(), timeout, this::checkIdle);
  }

  /** The callbacks of the filter at one position of the chain. */
  private final class Slot implements HttpFilterCallbacks {
    private final int index;

    Slot(int index) {
      this.index = index;
    }

    @Override
    public SelectedRoute route() {
      if (!routeResolved) {
        routeResolved = true;
        route = routeTable.route(new RequestView(request, connection.scheme()));
        if (route != null) {
          info.routeName(route.route().name());
        }
      }
      return route;
    }

    @Override
    public void clearRouteCache() {
      routeResolved = false;
      route = null;
    }

    @Override
    public StreamInfo streamInfo() {
      return info;
    }

    @Override
    public ConnectionInfo connection() {
      return connection;
    }

    @Override
    public EventLoop eventLoop() {
      return downstream.eventLoop();
    }

    @Override
    public Duration streamIdleTimeout() {
      return hcm.config().streamIdleTimeout();
    }

    @Override
    public void setStreamIdleTimeout(Duration timeout) {
      setIdleTimeout(timeout);
    }

    @Override
    public void continueDecoding() {
      downstream.eventLoop().execute(() -> resumeDecoding(index));
    }

    @Override
    public void continueEncoding() {
      downstream.eventLoop().execute(() -> resumeEncoding(index));
    }

    @Override
    public void sendLocalReply(int status, String body, ResponseFlag flag, String details) {
      ActiveStream.this.sendLocalReply(index, status, body, flag, details, null);
    }

    @Override
    public void sendGrpcLocalReply(int status, int grpcStatus, String message, ResponseFlag flag, String details) {
      ActiveStream.this.sendLocalReply(index, status, message, flag, details, null, grpcStatus);
    }

    @Override
    public boolean responseStarted() {
      return responseStarted;
    }

    @Override
    public void encodeHeaders(HttpResponse response, boolean endStream) {
      if (finished) {
        return;
      }
      responseStarted = response.status().code() / 100 != 1 || response.status().code() == 101;
      responseEndAtHeaders = endStream;
      encodeEvent(index - 1, response);
    }

    @Override
    public void encodeData(HttpContent data, boolean endStream) {
      if (finished) {
        data.release();
        return;
      }
      HttpContent event = data;
      if (endStream && !(data instanceof LastHttpContent)) {
        event = new DefaultLastHttpContent(data.content());
      } else if (!endStream && data instanceof LastHttpContent) {
        event = new DefaultHttpContent(data.content());
      }
      encodeEvent(index - 1, event);
    }

    @Override
    public void encodeTrailers(HttpHeaders trailers) {
      encodeEvent(index - 1, new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
    }

    @Override
    public boolean downstreamWritable() {
      return downstream.isWritable();
    }

    @Override
    public void pauseRequestReading() {
      readPauses++;
    }

    @Override
    public void resumeRequestReading() {
      if (readPauses > 0 && --readPauses == 0) {
        maybeReadMore();
      }
    }

    @Override
    public void resetStream(ResponseFlag flag, String details) {
      ActiveStream.this.resetStream(flag, details);
    }

    @Override
    public Channel detachDownstreamForTunnel() {
      tunneled = true;
      finished = true;
      cancelRequestTimer();
      if (idleTimer != null) {
        idleTimer.cancel();
      }
      hcm.stats().rqActive.dec();
      hcm.stats().responseCode(info.responseCode());
      info.endNanos(System.nanoTime());
      try {
        hcm.observer().onComplete(info);
      } catch (RuntimeException e) {
        // an observer's failure must not break the tunnel
      }
      return downstream.detachForTunnel();
    }
  }

  static String describe(ByteBuf buf) {
    return ByteBufUtil.hexDump(buf);
  }
}
