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
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.trellis.proxy.config.route.DirectResponseAction;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.HeaderMutations;
import io.trellis.proxy.config.route.HostRewrite;
import io.trellis.proxy.config.route.RedirectAction;
import io.trellis.proxy.http.ResponseFlag;
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
 */
final class RouterFilter implements HttpFilter, UpstreamRequest.Owner {
  private static final String UPSTREAM_SERVICE_TIME = "x-envoy-upstream-service-time";
  private static final String EXPECTED_TIMEOUT = "x-envoy-expected-rq-timeout-ms";
  private static final String UPSTREAM_RQ_TIMEOUT = "x-envoy-upstream-rq-timeout-ms";

  private final RouterFilterProvider.RouterSettings settings;
  private final HttpFilterCallbacks cb;
  private SelectedRoute selected;
  private ClusterChoice choice;
  private ClusterStats clusterStats;
  private UpstreamRequest upstream;
  private TunnelRequest tunnel;
  private RequestHasher.GeneratedCookie cookie;
  private Duration timeout = Duration.ZERO;
  private ScheduledFuture<?> timer;
  private boolean pausedForUpstream;
  private boolean waitingForDownstream;
  private boolean responseDone;
  private boolean requestDone;
  private boolean destroyed;

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
      h.set(EXPECTED_TIMEOUT, Long.toString(timeout.toMillis()));
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
    cb.streamInfo().upstreamHost(host.address());
    clusterStats.rqTotal.inc();
    boolean isConnect = request.method().equals(io.netty.handler.codec.http.HttpMethod.CONNECT);
    boolean isUpgrade = h.contains(HttpHeaderNames.UPGRADE) && h.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true);
    if (isConnect && cb.streamInfo().protocol() != io.trellis.proxy.upstream.HttpProtocol.HTTP_1_1) {
      // CONNECT over HTTP/2 (RFC 9113 section 8.5) is not terminated here yet: refuse it cleanly
      cb.sendLocalReply(501, "CONNECT over HTTP/2 is not supported", null, "connect_over_http2_unsupported");
      return;
    }
    if ((isConnect || isUpgrade) && cb.streamInfo().protocol() == io.trellis.proxy.upstream.HttpProtocol.HTTP_1_1) {
      tunnel = new TunnelRequest(cb, request, isConnect, clusterStats, action.idleTimeout());
      tunnel.start(cluster, host);
      return;
    }
    upstream = new UpstreamRequest(this, host, request);
    if (endStream) {
      requestDone = true;
      upstream.send(LastHttpContent.EMPTY_LAST_CONTENT);
      startTimer();
    }
    upstream.start(cluster.httpPool(host, cb.eventLoop(), cb.streamInfo().protocol()));
    if (!upstream.connected() && !endStream && !pausedForUpstream && upstream != null) {
      pausedForUpstream = true;
      cb.pauseRequestReading();
    }
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
    String grpc = h.get("grpc-timeout");
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
    if (tunnel != null || upstream == null || responseDone) {
      data.release();
      return FilterStatus.STOP_ITERATION;
    }
    if (endStream) {
      requestDone = true;
      upstream.send(data instanceof LastHttpContent ? data : new io.netty.handler.codec.http.DefaultLastHttpContent(data.content()));
      startTimer();
    } else {
      upstream.send(data instanceof LastHttpContent ? new DefaultHttpContent(data.content()) : data);
      if (upstream.connected() && !upstream.writable() && !pausedForUpstream) {
        pausedForUpstream = true;
        cb.pauseRequestReading();
      }
    }
    return FilterStatus.STOP_ITERATION;
  }

  @Override
  public FilterStatus decodeTrailers(HttpHeaders trailers) {
    if (upstream == null || responseDone) {
      return FilterStatus.STOP_ITERATION;
    }
    requestDone = true;
    upstream.send(new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.EMPTY_BUFFER, trailers));
    startTimer();
    return FilterStatus.STOP_ITERATION;
  }

  private void startTimer() {
    if (timeout.isZero() || timer != null) {
      return;
    }
    timer = cb.eventLoop().schedule(this::onTimeout, timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void onTimeout() {
    if (destroyed || responseDone) {
      return;
    }
    clusterStats.rqTimeout.inc();
    if (upstream != null) {
      upstream.reset();
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
    if (destroyed) {
      ReferenceCountUtil.release(part);
      return;
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
      HttpHeaders h = response.headers();
      if (code != 101) {
        h.remove(HttpHeaderNames.CONNECTION);
      }
      h.remove(HttpHeaderNames.KEEP_ALIVE);
      h.remove("proxy-connection");
      if (!settings.config().suppressEnvoyHeaders()) {
        h.set(UPSTREAM_SERVICE_TIME, Long.toString((System.nanoTime() - attempt.startNanos()) / 1_000_000));
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
      cb.encodeData(new io.netty.handler.codec.http.DefaultLastHttpContent(last.content()), true);
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
      timer.cancel(false);
    }
  }

  @Override
  public void onUpstreamFailure(UpstreamRequest attempt, UpstreamFailure failure) {
    if (destroyed) {
      return;
    }
    if (timer != null) {
      timer.cancel(false);
    }
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
      timer.cancel(false);
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
