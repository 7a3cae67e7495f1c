package io.trellis.proxy.http.filter.cors;

import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.trellis.proxy.http.filter.FilterStatus;
import io.trellis.proxy.http.filter.HttpFilter;
import io.trellis.proxy.http.filter.HttpFilterCallbacks;
import io.trellis.proxy.router.SelectedRoute;

/**
 * One request's CORS handling. A preflight (OPTIONS with Origin and Access-Control-Request-Method)
 * from an allowed origin is answered here; any other request from an allowed origin goes upstream
 * and gets the allow-origin (and credentials, expose) headers on its response.
 */
final class CorsFilter implements HttpFilter {

  private final String filterName;
  private final HttpFilterCallbacks callbacks;
  private final CorsFilterProvider.Stats stats;

  private HttpRequest request;
  private CorsPolicy policy;
  private String allowedOrigin;

  CorsFilter(String filterName, HttpFilterCallbacks callbacks, CorsFilterProvider.Stats stats) {
    this.filterName = filterName;
    this.callbacks = callbacks;
    this.stats = stats;
  }

  @Override
  public FilterStatus decodeHeaders(HttpRequest request, boolean endStream) {
    this.request = request;
    policy = policy();
    String origin = request.headers().get(HttpHeaderNames.ORIGIN);
    if (policy == null || !policy.enabled() || origin == null || origin.isEmpty()) {
      return FilterStatus.CONTINUE;
    }
    boolean preflight = request.method().equals(HttpMethod.OPTIONS)
        && !request.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD, "").isEmpty();
    if (!policy.allowsOrigin(origin)) {
      stats.originInvalid().inc();
      if (preflight && !policy.forwardNotMatchingPreflights()) {
        callbacks.sendLocalReply(200, "", null, "cors_preflight_origin_not_allowed");
        return FilterStatus.STOP_ITERATION;
      }
      return FilterStatus.CONTINUE;
    }
    stats.originValid().inc();
    allowedOrigin = origin;
    if (!preflight) {
      return FilterStatus.CONTINUE;
    }
    // Answered here: the reply goes back through the filters before this one only, so it carries
    // its CORS headers from the start.
    HttpResponse reply = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    HttpHeaders h = reply.headers();
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
    allowOriginHeaders(h);
    setIfPresent(h, HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, policy.allowMethods());
    setIfPresent(h, HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, policy.allowHeaders());
    setIfPresent(h, HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, policy.maxAge());
    if (policy.allowPrivateNetworkAccess()
        && "true".equalsIgnoreCase(request.headers().get("access-control-request-private-network"))) {
      h.set("access-control-allow-private-network", "true");
    }
    callbacks.streamInfo().responseCodeDetails("cors_response");
    callbacks.encodeHeaders(reply, true);
    return FilterStatus.STOP_ITERATION;
  }

  @Override
  public FilterStatus encodeHeaders(HttpResponse response, boolean endStream) {
    if (allowedOrigin == null) {
      return FilterStatus.CONTINUE;
    }
    HttpHeaders h = response.headers();
    allowOriginHeaders(h);
    setIfPresent(h, HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, policy.exposeHeaders());
    return FilterStatus.CONTINUE;
  }

  private void allowOriginHeaders(HttpHeaders h) {
    h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowedOrigin);
    if (policy.allowCredentials()) {
      h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    }
  }

  private static void setIfPresent(HttpHeaders h, CharSequence name, String value) {
    if (!value.isEmpty()) {
      h.set(name, value);
    }
  }

  /** The route's policy, else the virtual host's, as Envoy looks them up. */
  private CorsPolicy policy() {
    SelectedRoute selected = callbacks.route();
    if (selected == null) {
      return null;
    }
    if (selected.route() != null && selected.route().perFilterConfig(filterName) instanceof CorsPolicy p) {
      return p;
    }
    if (selected.virtualHost() != null && selected.virtualHost().perFilterConfig(filterName) instanceof CorsPolicy p) {
      return p;
    }
    return null;
  }
}
