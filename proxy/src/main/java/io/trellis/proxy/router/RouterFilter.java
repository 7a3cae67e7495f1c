package io.trellis.proxy.router;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.trellis.proxy.config.route.DirectResponseAction;
import io.trellis.proxy.config.cluster.RoutingPriority;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.HeaderMutations;
import io.trellis.proxy.config.route.HostRewrite;
import io.trellis.proxy.config.route.RedirectAction;
import io.trellis.proxy.http.ResponseFlag;
import io.trellis.proxy.http.TimeoutQueue;
import io.trellis.proxy.http.filter.FilterStatus;
import io.trellis.proxy.http.filter.HttpFilter;
import io.trellis.proxy.http.filter.HttpFilterCallbacks;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import io.trellis.proxy.upstream.UpstreamCluster;
import io.trellis.proxy.upstream.UpstreamFailure;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The terminal HTTP filter: picks the route's action and, for a forwarding route, the cluster and
 * host, rewrites the request, and streams it through an {@link UpstreamRequest}, pacing each side by
 * the other's writability. Answers locally with Envoy's statuses and response flags when it cannot
 * forward (404 NR, 503 NC/UH/UF/UO, 504 UT).
 *
 * <p>With a retry policy, each attempt is its own {@link UpstreamRequest} and the decisions are
 * {@link RetryState}'s; the request body is then held in a bounded {@link BodyBuffer} for replay.
 * Without one, nothing is buffered and no retry object exists. A response that has started to
 * stream downstream is never retried. Mirrors ({@link ShadowRequest}) get a copy of every part.
 */
final class RouterFilter implements HttpFilter, UpstreamRequest.Owner {
  // header names as AsciiString: their hash is computed once, not on every lookup of every request
  private static final AsciiString UPSTREAM_SERVICE_TIME = AsciiString.cached("x-envoy-upstream-service-time");
  private static final AsciiString EXPECTED_TIMEOUT = AsciiString.cached("x-envoy-expected-rq-timeout-ms");
  private static final AsciiString UPSTREAM_RQ_TIMEOUT = AsciiString.cached("x-envoy-upstream-rq-timeout-ms");
  private static final AsciiString ATTEMPT_COUNT = AsciiString.cached("x-envoy-attempt-count");
  private static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");
  private static final AsciiString PROXY_CONNECTION = AsciiString.cached("proxy-connection");
  private static final AsciiString RETRY_ON = AsciiString.cached(RetryState.RETRY_ON_HEADER);
  private static final AsciiString MAX_RETRIES = AsciiString.cached(RetryState.MAX_RETRIES_HEADER);
  private static final AsciiString GRPC_RETRY_ON = AsciiString.cached(RetryState.GRPC_RETRY_ON_HEADER);
  private static final AsciiString RETRIABLE_STATUS_CODES = AsciiString.cached(RetryState.RETRIABLE_STATUS_CODES_HEADER);
  private static final AsciiString RETRIABLE_HEADER_NAMES = AsciiString.cached(RetryState.RETRIABLE_HEADER_NAMES_HEADER);
  /** The text of the last expected-timeout value: routes repeat theirs request after request. */
  private static volatile MillisText lastTimeoutText = new MillisText(15_000, "15000");

  private record MillisText(long millis, String text) {}

  private final RouterFilterProvider.RouterSettings settings;
  private final HttpFilterCallbacks cb;
  private SelectedRoute selected;
  private ClusterChoice choice;
  private ClusterStats clusterStats;
  private UpstreamRequest upstream;
  private TunnelRequest tunnel;
  private RequestHasher.GeneratedCookie cookie;
  private Duration timeout = Duration.ZERO;
  private TimeoutQueue.Timeout timer;
  private boolean pausedForUpstream;
  private boolean waitingForDownstream;
  private boolean responseDone;
  private boolean requestDone;
  private boolean destroyed;
  // retries (all null/unused when the route has no retry policy)
  private ForwardAction action;
  private UpstreamCluster cluster;
  private LoadBalancerContext lb;
  private HttpRequest prepared;
  private RetryState retry;
  private BodyBuffer buffer;
  private ScheduledFuture<?> retryTimer;
  private ScheduledFuture<?> perTryTimer;
  private ScheduledFuture<?> perTryIdleTimer;
  private long lastUpstreamActivityNanos;
  private ShadowRequest[] shadows;
  private boolean retrySlotHeld;
  private ScheduledFuture<?> durationTimer;
  private boolean retryAfterTimeout;

  RouterFilter(RouterFilterProvider.RouterSettings settings, HttpFilterCallbacks cb) {
    this.settings = settings;
    this.cb = cb;
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
    selected = cb.route();
    if (selected == null) {
      cb.sendLocalReply(404, "", ResponseFlag.NO_ROUTE_FOUND, "route_not_found");
      return FilterStatus.STOP_ITERATION;
    }
    switch (selected.route().action()) {
      case DirectResponseAction d -> directResponse(request, d);
      case RedirectAction r -> redirect(request, r);
      case ForwardAction f -> forward(request, f, endStream);
    }
    return FilterStatus.STOP_ITERATION;
  }

  /** Answers with the route's status and body; header mutations of every level apply, as in Envoy. */
  private void directResponse(HttpRequest request, DirectResponseAction d) {
    cb.streamInfo().responseCodeDetails("direct_response");
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(d.status()));
    byte[] body = d.body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (body.length > 0) {
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
    }
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    applyResponseMutations(response.headers());
    if (body.length == 0 || request.method().equals(io.netty.handler.codec.http.HttpMethod.HEAD)) {
      cb.encodeHeaders(response, true);
    } else {
      cb.encodeHeaders(response, false);
      cb.encodeData(new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.wrappedBuffer(body)), true);
    }
  }

  private void redirect(HttpRequest request, RedirectAction r) {
    RequestView view = new RequestView(request, cb.connection().scheme());
    String originalScheme = request.headers().get("x-forwarded-proto", cb.connection().scheme());
    String scheme = r.scheme() != null ? r.scheme() : originalScheme;
    String authority = view.authority();
    String host = authority;
    String port = "";
    int colon = authority.lastIndexOf(':');
    if (colon > 0 && authority.indexOf(']') < colon) {
      host = authority.substring(0, colon);
      port = authority.substring(colon + 1);
    }
    if (r.host() != null) {
      host = r.host();
    }
    if (r.port() != 0) {
      port = Integer.toString(r.port());
    } else if (r.scheme() != null && (port.equals("80") || port.equals("443"))) {
      port = "";
    }
    String target;
    if (r.pathRedirect() != null) {
      target = r.pathRedirect();
      if (target.indexOf('?') < 0 && !view.query().isEmpty()) {
        target = target + "?" + view.query();
      }
    } else {
      String rewritten = selected.route().rewriteTarget(view);
      target = rewritten != null ? rewritten : request.uri();
    }
    if (r.stripQuery()) {
      int q = target.indexOf('?');
      if (q >= 0) {
        target = target.substring(0, q);
      }
    }
    String location = scheme + "://" + host + (port.isEmpty() ? "" : ":" + port) + target;
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.responseCode()));
    response.headers().set(HttpHeaderNames.LOCATION, location);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    applyResponseMutations(response.headers());
    cb.encodeHeaders(response, true);
  }

  private void forward(HttpRequest request, ForwardAction action, boolean endStream) {
    CompiledRoute route = selected.route();
    RequestView view = new RequestView(request, cb.connection().scheme());
    choice = route.chooseCluster(view, settings.context().random());
    if (choice == null) {
      cb.sendLocalReply(404, "", ResponseFlag.NO_CLUSTER_FOUND, "cluster_header_not_found");
      return;
    }
    UpstreamCluster cluster = settings.context().clusterManager().cluster(choice.cluster());
    if (cluster == null) {
      cb.sendLocalReply(503, "", ResponseFlag.NO_CLUSTER_FOUND, "cluster_not_found");
      return;
    }
    clusterStats = settings.clusterStats().get(choice.cluster());
    if (action.idleTimeout() != null) {
      cb.setStreamIdleTimeout(action.idleTimeout());
    }
    cb.streamInfo().upstreamCluster(choice.cluster());

    LoadBalancerContext lb = LoadBalancerContext.NONE;
    RequestHasher hasher = route.hasher();
    if (hasher != null) {
      RequestHasher.Result r = hasher.hash(view, cb.connection().remoteAddress());
      cookie = r.cookie();
      lb = new LoadBalancerContext(r.hash(), Set.of(), 1, cb.connection().originalDestination());
    } else if (cb.connection().originalDestination() != null) {
      lb = new LoadBalancerContext(null, Set.of(), 1, cb.connection().originalDestination());
    }

    String rewritten = route.rewriteTarget(view);
    HttpHeaders h = request.headers();
    if (rewritten != null) {
      if (!settings.config().suppressEnvoyHeaders()) {
        h.set("x-envoy-original-path", request.uri());
      }
      request.setUri(rewritten);
    }
    timeout = effectiveTimeout(action, h);
    h.remove(UPSTREAM_RQ_TIMEOUT);
    if (!timeout.isZero() && !settings.config().suppressEnvoyHeaders()) {
      h.set(EXPECTED_TIMEOUT, millisText(timeout.toMillis()));
    }
    applyRequestMutations(h);
    if (action.hostRewrite() instanceof HostRewrite.Literal l) {
      h.set(HttpHeaderNames.HOST, l.host());
    } else if (action.hostRewrite() instanceof HostRewrite.FromHeader fh) {
      String v = h.get(fh.headerName());
      if (v != null && !v.isEmpty()) {
        h.set(HttpHeaderNames.HOST, v);
      }
    }
    retry = RetryState.create(action.retryPolicy(), h, settings.context().random());
    if (retry != null && retry.policy().perTryTimeout() != null && !settings.config().suppressEnvoyHeaders()) {
      // the upstream has only the per-try time when that is shorter, as Envoy tells it
      Duration perTry = retry.policy().perTryTimeout();
      if (timeout.isZero() || perTry.compareTo(timeout) < 0) {
        h.set(EXPECTED_TIMEOUT, Long.toString(perTry.toMillis()));
      }
    }
    h.remove(RETRY_ON);
    h.remove(MAX_RETRIES);
    h.remove(GRPC_RETRY_ON);
    h.remove(RETRIABLE_STATUS_CODES);
    h.remove(RETRIABLE_HEADER_NAMES);
    if (!endStream && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    } else if (endStream) {
      h.remove(HttpHeaderNames.TRANSFER_ENCODING);
    }

    Host host = cluster.chooseHost(lb);
    if (host == null) {
      cb.sendLocalReply(503, "no healthy upstream", ResponseFlag.NO_HEALTHY_UPSTREAM, "no_healthy_upstream");
      return;
    }
    if (action.hostRewrite() instanceof HostRewrite.Auto && !host.hostname().isEmpty()) {
      h.set(HttpHeaderNames.HOST, host.hostname());
    }
    boolean isConnect = request.method().equals(io.netty.handler.codec.http.HttpMethod.CONNECT);
    boolean isUpgrade = h.contains(HttpHeaderNames.UPGRADE) && h.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true);
    if (isConnect && cb.streamInfo().protocol() != io.trellis.proxy.upstream.HttpProtocol.HTTP_1_1) {
      // CONNECT over HTTP/2 (RFC 9113 section 8.5) is not terminated here yet: refuse it cleanly
      cb.sendLocalReply(501, "CONNECT over HTTP/2 is not supported", null, "connect_over_http2_unsupported");
      return;
    }
    if ((isConnect || isUpgrade) && cb.streamInfo().protocol() == io.trellis.proxy.upstream.HttpProtocol.HTTP_1_1) {
      cb.streamInfo().upstreamHost(host.address());
      clusterStats.rqTotal.inc();
      tunnel = new TunnelRequest(cb, request, isConnect, clusterStats, action.idleTimeout());
      tunnel.start(cluster, host);
      return;
    }
    if (action.maxStreamDuration() != null) {
      long left = action.maxStreamDuration().toNanos() - (System.nanoTime() - cb.streamInfo().startNanos());
      durationTimer = cb.eventLoop().schedule(this::onMaxStreamDuration, Math.max(0, left), TimeUnit.NANOSECONDS);
    }
    if (!action.requestMirrorPolicies().isEmpty()) {
      startShadows(action, request, endStream);
    }
    if (action.includeAttemptCountInRequest() && retry == null) {
      h.set(ATTEMPT_COUNT, "1");
    }
    this.action = action;
    this.cluster = cluster;
    this.lb = lb;
    this.prepared = request;
    if (retry != null) {
      buffer = new BodyBuffer(action.bufferLimitBytes());
    }
    if (endStream) {
      requestDone = true;
      if (buffer != null) {
        buffer.add(LastHttpContent.EMPTY_LAST_CONTENT);
      }
    }
    startAttempt(host);
    if (endStream) {
      startTimer();
    }
    if (upstream != null && !upstream.connected() && !endStream && !pausedForUpstream) {
      pausedForUpstream = true;
      cb.pauseRequestReading();
    }
  }

  /**
   * Starts one attempt against {@code host}. Without retries the prepared request goes out as is;
   * with them each attempt gets its own copy of the headers (a codec may consume them) and the
   * buffered body.
   */
  private void startAttempt(Host host) {
    HttpRequest request = prepared;
    if (retry != null) {
      int n = retry.onAttempt(host);
      request = new io.netty.handler.codec.http.DefaultHttpRequest(
          prepared.protocolVersion(), prepared.method(), prepared.uri(), prepared.headers().copy());
      if (action.includeAttemptCountInRequest()) {
        request.headers().set(ATTEMPT_COUNT, Integer.toString(n));
      }
      if (n > 1 && action.includeIsTimeoutRetryHeader()) {
        request.headers().set("x-envoy-is-timeout-retry", retryAfterTimeout ? "true" : "false");
      }
      if (n > 1 && action.hostRewrite() instanceof HostRewrite.Auto && !host.hostname().isEmpty()) {
        request.headers().set(HttpHeaderNames.HOST, host.hostname());
      }
    }
    cb.streamInfo().upstreamHost(host.address());
    clusterStats.rqTotal.inc();
    UpstreamRequest attempt = new UpstreamRequest(this, host, request);
    upstream = attempt;
    if (buffer != null) {
      buffer.replay(attempt);
    } else if (requestDone) {
      attempt.send(LastHttpContent.EMPTY_LAST_CONTENT);
    }
    attempt.start(cluster.httpPool(host, cb.eventLoop(), cb.streamInfo().protocol()));
    if (requestDone && upstream == attempt) {
      startPerTryTimers();
    }
  }

  private void startShadows(ForwardAction action, HttpRequest request, boolean endStream) {
    var mirrors = action.requestMirrorPolicies();
    for (int i = 0; i < mirrors.size(); i++) {
      var m = mirrors.get(i);
      if (m.numerator() < m.denominator() && settings.context().random().nextLong(m.denominator()) >= m.numerator()) {
        continue;
      }
      UpstreamCluster shadowCluster = settings.context().clusterManager().cluster(m.cluster());
      if (shadowCluster == null) {
        continue;
      }
      ShadowRequest s = ShadowRequest.start(shadowCluster, request, endStream, cb.eventLoop(), cb.streamInfo().protocol(),
          settings.clusterStats().get(m.cluster()), action.timeout(), action.bufferLimitBytes(),
          m.disableShadowHostSuffixAppend());
      if (s != null) {
        if (shadows == null) {
          shadows = new ShadowRequest[mirrors.size()];
        }
        shadows[i] = s;
      }
    }
  }

  private void sendToShadows(HttpContent part) {
    for (ShadowRequest s : shadows) {
      if (s != null) {
        s.send(part.retainedDuplicate());
      }
    }
  }

  /**
   * The route's max_stream_duration, counted from the request's start as Envoy does: 408 with
   * response flag DT (gRPC: DEADLINE_EXCEEDED) before the response started, a reset after.
   */
  private void onMaxStreamDuration() {
    durationTimer = null;
    if (destroyed || responseDone) {
      return;
    }
    cancelTimers();
    if (upstream != null) {
      upstream.reset();
      upstream = null;
    }
    if (cb.responseStarted()) {
      cb.resetStream(ResponseFlag.DURATION_TIMEOUT, "max_duration_timeout");
    } else {
      cb.sendGrpcLocalReply(408, 4, "downstream duration timeout", ResponseFlag.DURATION_TIMEOUT, "max_duration_timeout");
    }
  }

  // ---- retries ----

  /**
   * Whether another attempt may be made now: retries left, the body still held, and a slot of the
   * cluster's max_retries circuit breaker (on overflow the cluster counts upstream_rq_retry_overflow).
   * The slot of the previous retry, if any, is given back first: that attempt has ended.
   */
  private boolean mayRetry() {
    if (retry == null || !retry.hasRetriesLeft() || destroyed || responseDone || cb.responseStarted()) {
      return false;
    }
    releaseRetrySlot();
    if (!cluster.tryAcquireRetry(RoutingPriority.DEFAULT)) {
      cb.streamInfo().addFlag(ResponseFlag.UPSTREAM_OVERFLOW); // as Envoy's router flags a retry overflow
      return false;
    }
    retrySlotHeld = true;
    return true;
  }

  private void releaseRetrySlot() {
    if (retrySlotHeld) {
      retrySlotHeld = false;
      cluster.releaseRetry(RoutingPriority.DEFAULT);
    }
  }

  /** The attempt failed retriably but may not be retried: note why (URX when retries ran out). */
  private void noRetry() {
    if (retry != null && !retry.hasRetriesLeft()) {
      clusterStats.rqRetryLimitExceeded.inc();
      cb.streamInfo().addFlag(ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED);
    }
  }

  private void scheduleRetry() {
    upstream = null;
    retryAfterTimeout = false;
    cancelPerTryTimers();
    clusterStats.rqRetry.inc();
    if (pausedForUpstream) {
      pausedForUpstream = false;
      cb.resumeRequestReading();
    }
    long delay = retry.takeRetry();
    retryTimer = cb.eventLoop().schedule(this::doRetry, delay, TimeUnit.NANOSECONDS);
  }

  private void doRetry() {
    retryTimer = null;
    if (destroyed || responseDone || cb.responseStarted()) {
      return;
    }
    LoadBalancerContext ctx = retry.excludedHosts().isEmpty()
        ? lb
        : new LoadBalancerContext(lb.hash(), retry.excludedHosts(), retry.maxSelectionAttempts(), lb.originalDestination());
    Host host = cluster.chooseHost(ctx);
    if (host == null) {
      cancelTimers();
      cb.sendLocalReply(503, "no healthy upstream", ResponseFlag.NO_HEALTHY_UPSTREAM, "no_healthy_upstream");
      return;
    }
    startAttempt(host);
  }

  private void startPerTryTimers() {
    if (retry == null || upstream == null) {
      return;
    }
    UpstreamRequest attempt = upstream;
    Duration perTry = retry.policy().perTryTimeout();
    if (perTry != null && perTryTimer == null) {
      perTryTimer = cb.eventLoop().schedule(() -> onPerTryTimeout(attempt, false), perTry.toNanos(), TimeUnit.NANOSECONDS);
    }
    Duration idle = retry.policy().perTryIdleTimeout();
    if (idle != null && perTryIdleTimer == null) {
      lastUpstreamActivityNanos = System.nanoTime();
      perTryIdleTimer = cb.eventLoop().schedule(() -> onPerTryIdle(attempt), idle.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void onPerTryIdle(UpstreamRequest attempt) {
    perTryIdleTimer = null;
    if (attempt != upstream || destroyed || responseDone) {
      return;
    }
    long idle = retry.policy().perTryIdleTimeout().toNanos();
    long left = lastUpstreamActivityNanos + idle - System.nanoTime();
    if (left > 0) {
      perTryIdleTimer = cb.eventLoop().schedule(() -> onPerTryIdle(attempt), left, TimeUnit.NANOSECONDS);
      return;
    }
    onPerTryTimeout(attempt, true);
  }

  /** A per-try (or per-try idle) timeout: the attempt is dropped and, when the policy allows, retried. */
  private void onPerTryTimeout(UpstreamRequest attempt, boolean idle) {
    if (attempt != upstream || destroyed || responseDone) {
      return;
    }
    (idle ? clusterStats.rqPerTryIdleTimeout : clusterStats.rqPerTryTimeout).inc();
    attempt.resetOnTimeout();
    String details = idle ? "upstream_per_try_idle_timeout" : "upstream_per_try_timeout";
    if (cb.responseStarted()) {
      upstream = null;
      cancelTimers();
      cb.resetStream(ResponseFlag.UPSTREAM_REQUEST_TIMEOUT, details);
      return;
    }
    if (retry.retriableTimeout()) {
      if (mayRetry()) {
        scheduleRetry();
        retryAfterTimeout = true;
        return;
      }
      noRetry();
    }
    upstream = null;
    cancelTimers();
    clusterStats.rq5xx.inc();
    cb.sendLocalReply(504, "upstream request timeout", ResponseFlag.UPSTREAM_REQUEST_TIMEOUT, details);
  }

  private void cancelPerTryTimers() {
    if (perTryTimer != null) {
      perTryTimer.cancel(false);
      perTryTimer = null;
    }
    if (perTryIdleTimer != null) {
      perTryIdleTimer.cancel(false);
      perTryIdleTimer = null;
    }
  }

  private void cancelTimers() {
    if (timer != null) {
      timer.cancel();
    }
    if (durationTimer != null) {
      durationTimer.cancel(false);
      durationTimer = null;
    }
    if (retryTimer != null) {
      retryTimer.cancel(false);
      retryTimer = null;
    }
    cancelPerTryTimers();
  }

  /** Service times are mostly a few milliseconds: their texts are made once. */
  private static final String[] SMALL_MILLIS = java.util.stream.IntStream.range(0, 100)
      .mapToObj(Integer::toString).toArray(String[]::new);

  private static String serviceTimeText(long millis) {
    return millis >= 0 && millis < SMALL_MILLIS.length ? SMALL_MILLIS[(int) millis] : Long.toString(millis);
  }

  private static String millisText(long millis) {
    MillisText last = lastTimeoutText;
    if (last.millis() == millis) {
      return last.text();
    }
    String text = Long.toString(millis);
    lastTimeoutText = new MillisText(millis, text);
    return text;
  }

  private Duration effectiveTimeout(ForwardAction action, HttpHeaders h) {
    Duration t = action.timeout();
    String override = h.get(UPSTREAM_RQ_TIMEOUT);
    if (override != null) {
      try {
        t = Duration.ofMillis(Long.parseLong(override.trim()));
      } catch (NumberFormatException ignored) {
        // Envoy ignores an unparsable override
      }
    }
    String grpc = h.get(GRPC_TIMEOUT);
    if (grpc != null) {
      Duration g = GrpcTimeout.parse(grpc);
      if (g != null) {
        Duration max = action.grpcTimeoutHeaderMax();
        if (max != null) {
          t = max.isZero() || g.compareTo(max) < 0 ? g : max;
        } else if (t.isZero() || g.compareTo(t) < 0) {
          t = g;
        }
      }
    }
    return t;
  }

  private void applyRequestMutations(HttpHeaders h) {
    HeaderMutator.applyRequest(choice.headers(), h);
    HeaderMutator.applyRequest(selected.route().headers(), h);
    HeaderMutator.applyRequest(selected.virtualHost().headers(), h);
    HeaderMutator.applyRequest(selected.table().headers(), h);
  }

  private void applyResponseMutations(HttpHeaders h) {
    if (choice != null) {
      HeaderMutator.applyResponse(choice.headers(), h);
    }
    HeaderMutator.applyResponse(selected.route().headers(), h);
    HeaderMutator.applyResponse(selected.virtualHost().headers(), h);
    HeaderMutations table = selected.table().headers();
    HeaderMutator.applyResponse(table, h);
  }

  @Override
  public FilterStatus decodeData(HttpContent data, boolean endStream) {
    // the part says by its type whether it ends the request: replays and shadows rely on that
    if (endStream != data instanceof LastHttpContent) {
      data = endStream ? new io.netty.handler.codec.http.DefaultLastHttpContent(data.content()) : new DefaultHttpContent(data.content());
    }
    if (shadows != null) {
      sendToShadows(data);
    }
    if (buffer != null && !holdForRetry(data, endStream)) {
      return FilterStatus.STOP_ITERATION;
    }
    if (tunnel != null || upstream == null || responseDone) {
      data.release();
      return FilterStatus.STOP_ITERATION;
    }
    if (endStream) {
      requestDone = true;
      upstream.send(data);
      startTimer();
      startPerTryTimers();
    } else {
      upstream.send(data);
      if (upstream.connected() && !upstream.writable() && !pausedForUpstream) {
        pausedForUpstream = true;
        cb.pauseRequestReading();
      }
    }
    return FilterStatus.STOP_ITERATION;
  }

  @Override
  public FilterStatus decodeTrailers(HttpHeaders trailers) {
    if (shadows != null) {
      sendToShadows(new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
    }
    LastHttpContent last = new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers);
    if (buffer != null && !holdForRetry(last, true)) {
      return FilterStatus.STOP_ITERATION;
    }
    if (upstream == null || responseDone) {
      return FilterStatus.STOP_ITERATION;
    }
    requestDone = true;
    upstream.send(last);
    startTimer();
    startPerTryTimers();
    return FilterStatus.STOP_ITERATION;
  }

  /**
   * Holds a request part for replay. Returns whether the caller should go on to send it to the
   * current attempt; false when there is none (a retry is backing off: the buffer has the part).
   * Past the buffer bound the request loses its retries but keeps streaming.
   */
  private boolean holdForRetry(HttpContent part, boolean endStream) {
    if (!buffer.add(part)) {
      buffer = null;
      retry = null;
      if (upstream == null && retryTimer != null && !destroyed && !responseDone) {
        // backing off, and the body can no longer be replayed: the retry cannot happen
        part.release();
        cancelTimers();
        cb.sendLocalReply(503, "upstream retry abandoned: request body exceeds the buffer limit",
            ResponseFlag.UPSTREAM_RETRY_LIMIT_EXCEEDED, "request_body_exceeds_retry_buffer");
        return false;
      }
      return true;
    }
    if (upstream == null && !responseDone) {
      if (endStream) {
        requestDone = true;
        startTimer();
      }
      part.release();
      return false;
    }
    return true;
  }

  private void startTimer() {
    if (timeout.isZero() || timer != null) {
      return;
    }
    // the route's configured timeout repeats request after request and shares a queue; one from a
    // request header (x-envoy-upstream-rq-timeout-ms, grpc-timeout) goes to the loop's scheduler
    timer = action != null && timeout.equals(action.timeout())
        ? TimeoutQueue.start(cb.eventLoop(), timeout, this::onTimeout)
        : TimeoutQueue.startUnshared(cb.eventLoop(), timeout, this::onTimeout);
  }

  private void onTimeout() {
    if (destroyed || responseDone) {
      return;
    }
    clusterStats.rqTimeout.inc();
    cancelTimers();
    if (upstream != null) {
      upstream.resetOnTimeout(); // a hanging host counts toward its outlier ejection
      upstream = null;
    }
    if (cb.responseStarted()) {
      cb.resetStream(ResponseFlag.UPSTREAM_REQUEST_TIMEOUT, "upstream_response_timeout");
    } else {
      clusterStats.rq5xx.inc();
      cb.sendLocalReply(504, "upstream request timeout", ResponseFlag.UPSTREAM_REQUEST_TIMEOUT, "upstream_response_timeout");
    }
  }

  // ---- upstream events ----

  @Override
  public void onUpstreamPart(UpstreamRequest attempt, HttpObject part) {
    if (destroyed || attempt != upstream) {
      ReferenceCountUtil.release(part);
      return;
    }
    if (perTryIdleTimer != null) {
      lastUpstreamActivityNanos = System.nanoTime();
    }
    if (pausedForUpstream && attempt.connected() && attempt.writable()) {
      pausedForUpstream = false;
      cb.resumeRequestReading();
    }
    if (part instanceof HttpResponse response) {
      int code = response.status().code();
      if (code / 100 == 1 && code != 101) {
        ReferenceCountUtil.release(part);
        attempt.read();
        return;
      }
      clusterStats.responseCode(code);
      if (retry != null) {
        if (retry.retriable(response)) {
          if (mayRetry()) {
            ReferenceCountUtil.release(part);
            attempt.reset();
            scheduleRetry();
            return;
          }
          noRetry();
        } else if (retry.attempts() > 1) {
          clusterStats.rqRetrySuccess.inc();
        }
      }
      HttpHeaders h = response.headers();
      if (action != null && action.includeAttemptCountInResponse()) {
        h.set(ATTEMPT_COUNT, Integer.toString(retry != null ? retry.attempts() : 1));
      }
      if (code != 101) {
        h.remove(HttpHeaderNames.CONNECTION);
      }
      h.remove(HttpHeaderNames.KEEP_ALIVE);
      h.remove(PROXY_CONNECTION);
      if (!settings.config().suppressEnvoyHeaders()) {
        h.set(UPSTREAM_SERVICE_TIME, serviceTimeText((System.nanoTime() - attempt.startNanos()) / 1_000_000));
      }
      applyResponseMutations(h);
      if (cookie != null) {
        h.add(HttpHeaderNames.SET_COOKIE, cookie.toSetCookie());
      }
      if (part instanceof FullHttpResponse full) {
        HttpResponse headersOnly = new DefaultHttpResponse(full.protocolVersion(), full.status(), full.headers());
        boolean empty = !full.content().isReadable() && full.trailingHeaders().isEmpty();
        if (empty) {
          full.release();
          finishResponse();
          cb.encodeHeaders(headersOnly, true);
          return;
        }
        cb.encodeHeaders(headersOnly, false);
        forwardLast(full);
        return;
      }
      cb.encodeHeaders(response, false);
    } else if (part instanceof LastHttpContent last) {
      forwardLast(last);
      return;
    } else {
      cb.encodeData((HttpContent) part, false);
    }
    if (cb.downstreamWritable()) {
      attempt.read();
    } else {
      waitingForDownstream = true;
    }
  }

  private void forwardLast(LastHttpContent last) {
    finishResponse();
    if (last.trailingHeaders().isEmpty()) {
      // a plain last part goes on as it is; one that is also the response head is split off
      cb.encodeData(last instanceof HttpResponse
          ? new io.netty.handler.codec.http.DefaultLastHttpContent(last.content()) : last, true);
    } else {
      if (last.content().isReadable()) {
        cb.encodeData(new DefaultHttpContent(last.content()), false);
      } else {
        last.release();
      }
      cb.encodeTrailers(last.trailingHeaders());
    }
  }

  private void finishResponse() {
    responseDone = true;
    if (timer != null) {
      timer.cancel();
    }
    if (durationTimer != null) {
      durationTimer.cancel(false);
    }
    if (retry != null) {
      cancelTimers();
      releaseRetrySlot();
    }
  }

  @Override
  public void onUpstreamFailure(UpstreamRequest attempt, UpstreamFailure failure) {
    if (destroyed || attempt != upstream) {
      return;
    }
    if (retry != null && !cb.responseStarted() && retry.retriable(failure, attempt.connected())) {
      if (mayRetry()) {
        scheduleRetry();
        return;
      }
      noRetry();
    }
    upstream = null;
    cancelTimers();
    ResponseFlag flag = switch (failure.reason()) {
      case CONNECTION_FAILURE, CONNECT_TIMEOUT -> attempt.connected()
          ? ResponseFlag.UPSTREAM_CONNECTION_TERMINATION
          : ResponseFlag.UPSTREAM_CONNECTION_FAILURE;
      case OVERFLOW -> ResponseFlag.UPSTREAM_OVERFLOW;
      case REMOTE_RESET -> ResponseFlag.UPSTREAM_REMOTE_RESET;
      case LOCAL_RESET -> ResponseFlag.LOCAL_RESET;
      case PROTOCOL_ERROR -> ResponseFlag.UPSTREAM_PROTOCOL_ERROR;
    };
    if (cb.responseStarted()) {
      cb.resetStream(flag, "upstream_reset_after_response_started{" + failure.reason() + "}");
      return;
    }
    clusterStats.rq5xx.inc();
    String body = flag == ResponseFlag.UPSTREAM_OVERFLOW
        ? "upstream connect error or disconnect/reset before headers. reset reason: overflow"
        : "upstream connect error or disconnect/reset before headers. reset reason: " + failure.reason().name().toLowerCase(java.util.Locale.ROOT);
    cb.sendLocalReply(503, body, flag, "upstream_reset_before_response_started{" + failure.reason() + "}");
  }

  @Override
  public void onUpstreamWritabilityChanged(boolean writable) {
    if (destroyed) {
      return;
    }
    if (writable && pausedForUpstream) {
      pausedForUpstream = false;
      cb.resumeRequestReading();
    } else if (!writable && !pausedForUpstream && !requestDone) {
      pausedForUpstream = true;
      cb.pauseRequestReading();
    }
  }

  @Override
  public void onDownstreamWritabilityChanged(boolean writable) {
    if (writable && waitingForDownstream && upstream != null) {
      waitingForDownstream = false;
      upstream.read();
    }
  }

  @Override
  public void onDestroy() {
    destroyed = true;
    if (timer != null) {
      timer.cancel();
    }
    if (retry != null || retryTimer != null || durationTimer != null) {
      cancelTimers();
    }
    releaseRetrySlot();
    if (buffer != null) {
      buffer.release();
      buffer = null;
    }
    if (shadows != null && !requestDone) {
      for (ShadowRequest s : shadows) {
        if (s != null) {
          s.abandon();
        }
      }
    }
    if (upstream != null && !responseDone) {
      upstream.reset();
    }
    if (tunnel != null) {
      tunnel.cancel();
    }
  }

  static boolean isChunked(HttpRequest r) {
    return HttpUtil.isTransferEncodingChunked(r);
  }
}
