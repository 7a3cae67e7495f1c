package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.OneOf;
import io.trellis.api.model.Spec;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The spec of an Istio {@code VirtualService}: routing rules for traffic addressed to {@code
 * hosts}, on the mesh's sidecars and/or on the named {@code gateways}.
 */
public record VirtualService(
    List<String> hosts,
    List<String> gateways,
    List<HttpRoute> http,
    List<TlsRoute> tls,
    List<TcpRoute> tcp,
    List<String> exportTo)
    implements Spec {
  public VirtualService {
    hosts = Frozen.list(hosts);
    gateways = Frozen.list(gateways);
    http = Frozen.list(http);
    tls = Frozen.list(tls);
    tcp = Frozen.list(tcp);
    exportTo = Frozen.list(exportTo);
  }


  /**
   * An HTTP route: match conditions and what to do with matching requests. {@code
   * websocketUpgrade} is a pre-1.0 field that Istio's own test configurations still carry; it has
   * no effect (upgrades are always allowed) and validation warns about it.
   */
  public record HttpRoute(
      String name,
      List<HttpMatchRequest> match,
      List<HttpRouteDestination> route,
      HttpRedirect redirect,
      HttpDirectResponse directResponse,
      Delegate delegate,
      HttpRewrite rewrite,
      Duration timeout,
      HttpRetry retries,
      HttpFaultInjection fault,
      Destination mirror,
      Percent mirrorPercentage,
      Integer mirrorPercent,
      List<HttpMirrorPolicy> mirrors,
      CorsPolicy corsPolicy,
      Headers headers,
      boolean websocketUpgrade) {
    public HttpRoute {
      match = Frozen.list(match);
      route = Frozen.list(route);
      mirrors = Frozen.list(mirrors);
    }
  }

  /** Conditions on a request; all set fields must match. */
  public record HttpMatchRequest(
      String name,
      StringMatch uri,
      StringMatch scheme,
      StringMatch method,
      StringMatch authority,
      Map<String, StringMatch> headers,
      int port,
      Map<String, String> sourceLabels,
      List<String> gateways,
      Map<String, StringMatch> queryParams,
      boolean ignoreUriCase,
      Map<String, StringMatch> withoutHeaders,
      String sourceNamespace,
      String statPrefix) {
    public HttpMatchRequest {
      headers = Frozen.map(headers);
      sourceLabels = Frozen.map(sourceLabels);
      gateways = Frozen.list(gateways);
      queryParams = Frozen.map(queryParams);
      withoutHeaders = Frozen.map(withoutHeaders);
    }
  }

  /** A weighted destination of an HTTP route. */
  public record HttpRouteDestination(Destination destination, int weight, Headers headers) {}

  /** A weighted destination of a TLS or TCP route. */
  public record RouteDestination(Destination destination, int weight) {}

  /** Redirects the request (3xx) instead of forwarding it. */
  public record HttpRedirect(
      String uri,
      String authority,
      @OneOf("redirect_port") Integer port,
      @OneOf("redirect_port") RedirectPortSelection derivePort,
      String scheme,
      int redirectCode) {

    public enum RedirectPortSelection {
      FROM_PROTOCOL_DEFAULT,
      FROM_REQUEST_PORT
    }
  }

  /** Answers the request directly with a status and optional body. */
  public record HttpDirectResponse(int status, HttpBody body) {
    /** A literal body: text or base64 bytes. */
    public record HttpBody(@OneOf("specifier") String string, @OneOf("specifier") String bytes) {}
  }

  /** Hands the route over to another VirtualService. */
  public record Delegate(String name, String namespace) {}

  /** Rewrites the path and/or authority before forwarding. */
  public record HttpRewrite(String uri, String authority, RegexRewrite uriRegexRewrite) {}

  /** Rewrites the path with an RE2 match and a replacement. */
  public record RegexRewrite(String match, String rewrite) {}

  /** Retries of a failed request. */
  public record HttpRetry(
      int attempts,
      Duration perTryTimeout,
      String retryOn,
      Boolean retryRemoteLocalities,
      Boolean retryIgnorePreviousHosts,
      Duration backoff) {}

  /** Injected faults: delays and aborts. */
  public record HttpFaultInjection(Delay delay, Abort abort) {

    public record Delay(
        @OneOf("http_delay_type") Duration fixedDelay,
        @OneOf("http_delay_type") Duration exponentialDelay,
        Percent percentage,
        int percent) {}

    public record Abort(
        @OneOf("error_type") Integer httpStatus,
        @OneOf("error_type") String grpcStatus,
        @OneOf("error_type") String http2Error,
        Percent percentage) {}
  }

  /** Mirrors requests to another destination. */
  public record HttpMirrorPolicy(Destination destination, Percent percentage) {}

  /** Cross-origin resource sharing. */
  public record CorsPolicy(
      List<String> allowOrigin,
      List<StringMatch> allowOrigins,
      List<String> allowMethods,
      List<String> allowHeaders,
      List<String> exposeHeaders,
      Duration maxAge,
      Boolean allowCredentials,
      UnmatchedPreflights unmatchedPreflights) {
    public CorsPolicy {
      allowOrigin = Frozen.list(allowOrigin);
      allowOrigins = Frozen.list(allowOrigins);
      allowMethods = Frozen.list(allowMethods);
      allowHeaders = Frozen.list(allowHeaders);
      exposeHeaders = Frozen.list(exposeHeaders);
    }


    public enum UnmatchedPreflights {
      UNSPECIFIED,
      FORWARD,
      IGNORE
    }
  }

  /** A TLS route, matched on SNI without terminating TLS. */
  public record TlsRoute(List<TlsMatchAttributes> match, List<RouteDestination> route) {
    public TlsRoute {
      match = Frozen.list(match);
      route = Frozen.list(route);
    }
  }

  public record TlsMatchAttributes(
      List<String> sniHosts,
      List<String> destinationSubnets,
      int port,
      Map<String, String> sourceLabels,
      List<String> gateways,
      String sourceNamespace) {
    public TlsMatchAttributes {
      sniHosts = Frozen.list(sniHosts);
      destinationSubnets = Frozen.list(destinationSubnets);
      sourceLabels = Frozen.map(sourceLabels);
      gateways = Frozen.list(gateways);
    }
  }

  /** An opaque TCP route. */
  public record TcpRoute(List<L4MatchAttributes> match, List<RouteDestination> route) {
    public TcpRoute {
      match = Frozen.list(match);
      route = Frozen.list(route);
    }
  }

  public record L4MatchAttributes(
      List<String> destinationSubnets,
      int port,
      String sourceSubnet,
      Map<String, String> sourceLabels,
      List<String> gateways,
      String sourceNamespace) {
    public L4MatchAttributes {
      destinationSubnets = Frozen.list(destinationSubnets);
      sourceLabels = Frozen.map(sourceLabels);
      gateways = Frozen.list(gateways);
    }
  }
}
