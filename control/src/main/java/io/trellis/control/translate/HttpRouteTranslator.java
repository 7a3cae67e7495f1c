package io.trellis.control.translate;

import com.google.protobuf.BoolValue;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.RuntimeFractionalPercent;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatchAndSubstitute;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.Destination;
import io.trellis.api.model.networking.DestinationRule;
import io.trellis.api.model.networking.Headers;
import io.trellis.api.model.networking.LoadBalancerSettings;
import io.trellis.api.model.networking.StringMatch;
import io.trellis.api.model.networking.VirtualService;
import io.trellis.api.model.networking.VirtualService.HttpMatchRequest;
import io.trellis.api.model.networking.VirtualService.HttpRoute;
import io.trellis.control.model.ResolvedVirtualService;
import io.trellis.control.registry.HostNames;
import io.trellis.control.registry.LabelMatch;
import io.trellis.control.registry.MeshService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * VirtualService {@code http} rules → Envoy routes, shared by sidecars, gateways and proxyless
 * gRPC. One Envoy route per match condition (Envoy's route match has no OR), in the order written;
 * conditions that cannot apply to this proxy or listener ({@code port}, {@code sourceLabels},
 * {@code gateways}, {@code sourceNamespace}) are decided here, at generation time, as Istio does.
 */
final class HttpRouteTranslator {
  /** Istio's default retry: a route without {@code retries} still gets these. */
  static final String DEFAULT_RETRY_ON = "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes";
  static final int DEFAULT_RETRY_ATTEMPTS = 2;
  static final int HOST_SELECTION_RETRY_MAX_ATTEMPTS = 5;
  static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";

  private static final Map<String, Integer> GRPC_CODES = grpcCodes();

  private HttpRouteTranslator() {}

  /** The routes a VirtualService contributes for {@code target}; empty when no rule applies. */
  static List<Route> translate(ResolvedVirtualService vs, RouteTarget target) {
    List<Route> out = new ArrayList<>();
    List<HttpRoute> rules = vs.spec().http();
    for (int i = 0; i < rules.size(); i++) {
      HttpRoute rule = rules.get(i);
      if (rule.delegate() != null) {
        delegate(vs, rule, target, out);
        continue;
      }
      if (rule.route().isEmpty() && rule.redirect() == null && rule.directResponse() == null) {
        continue; // nothing to do with a match; Istio's validation refuses such a rule
      }
      if (rule.match().isEmpty()) {
        out.add(route(vs, rule, null, target));
        // A rule without matches catches everything: rules after it can never be reached.
        break;
      }
      for (HttpMatchRequest m : rule.match()) {
        if (applies(m, vs, target)) {
          out.add(route(vs, rule, m, target));
        }
      }
    }
    return out;
  }

  /**
   * Istio's delegation: a root rule's {@code delegate} names a VirtualService (without hosts) whose
   * rules are inserted here, each match narrowed by the root rule's match (the delegate's own
   * conditions win where both set one). Destinations resolve in the delegate's namespace. A
   * missing delegate contributes no routes, as in Istio.
   */
  private static void delegate(ResolvedVirtualService root, HttpRoute rule, RouteTarget target, List<Route> out) {
    String ns = rule.delegate().namespace().isEmpty() ? root.namespace() : rule.delegate().namespace();
    Optional<ResolvedVirtualService> found = target.ctx().virtualService(ns, rule.delegate().name());
    if (found.isEmpty()) {
      return;
    }
    ResolvedVirtualService d = found.get();
    for (HttpRoute inner : d.spec().http()) {
      if (inner.delegate() != null || (inner.route().isEmpty() && inner.redirect() == null && inner.directResponse() == null)) {
        continue; // Istio allows one level of delegation only
      }
      List<HttpMatchRequest> matches = mergeMatches(rule.match(), inner.match());
      if (matches.isEmpty()) {
        out.add(route(d, inner, null, target));
        continue;
      }
      for (HttpMatchRequest m : matches) {
        if (applies(m, root, target)) {
          out.add(route(d, inner, m, target));
        }
      }
    }
  }

  private static List<HttpMatchRequest> mergeMatches(List<HttpMatchRequest> root, List<HttpMatchRequest> inner) {
    if (root.isEmpty()) {
      return inner;
    }
    if (inner.isEmpty()) {
      return root;
    }
    List<HttpMatchRequest> out = new ArrayList<>();
    for (HttpMatchRequest r : root) {
      for (HttpMatchRequest m : inner) {
        out.add(
            new HttpMatchRequest(
                m.name().isEmpty() ? r.name() : m.name(),
                or(m.uri(), r.uri()),
                or(m.scheme(), r.scheme()),
                or(m.method(), r.method()),
                or(m.authority(), r.authority()),
                union(r.headers(), m.headers()),
                m.port() != 0 ? m.port() : r.port(),
                union(r.sourceLabels(), m.sourceLabels()),
                m.gateways().isEmpty() ? r.gateways() : m.gateways(),
                union(r.queryParams(), m.queryParams()),
                m.ignoreUriCase() || r.ignoreUriCase(),
                union(r.withoutHeaders(), m.withoutHeaders()),
                m.sourceNamespace().isEmpty() ? r.sourceNamespace() : m.sourceNamespace(),
                m.statPrefix().isEmpty() ? r.statPrefix() : m.statPrefix()));
      }
    }
    return out;
  }

  private static StringMatch or(StringMatch a, StringMatch b) {
    return a != null && !a.isEmpty() ? a : b;
  }

  private static <V> Map<String, V> union(Map<String, V> base, Map<String, V> over) {
    Map<String, V> m = new TreeMap<>(base);
    m.putAll(over);
    return m;
  }

  /** The route for a service no VirtualService routes: everything to the service's cluster. */
  static Route defaultRoute(String cluster, RouteTarget target) {
    RouteAction.Builder a = RouteAction.newBuilder().setCluster(cluster);
    applyTimeout(a, null, target);
    if (!target.proxyless()) {
      a.setRetryPolicy(defaultRetry());
    }
    return Route.newBuilder().setName("default").setMatch(RouteMatch.newBuilder().setPrefix("/")).setRoute(a).build();
  }

  private static boolean applies(HttpMatchRequest m, ResolvedVirtualService vs, RouteTarget t) {
    if (m.port() != 0 && m.port() != t.port()) {
      return false;
    }
    if (!m.sourceLabels().isEmpty() && !LabelMatch.selects(m.sourceLabels(), t.labels())) {
      return false;
    }
    if (!m.sourceNamespace().isEmpty() && !m.sourceNamespace().equals(t.namespace())) {
      return false;
    }
    if (!m.gateways().isEmpty()) {
      boolean bound = false;
      for (String g : m.gateways()) {
        bound |= ResolvedVirtualService.gatewayName(g, vs.namespace()).equals(t.gateway());
      }
      return bound;
    }
    return true;
  }

  private static Route route(ResolvedVirtualService vs, HttpRoute rule, HttpMatchRequest m, RouteTarget t) {
    Route.Builder r = Route.newBuilder();
    String name = rule.name();
    if (m != null && !m.name().isEmpty()) {
      name = name.isEmpty() ? m.name() : name + "." + m.name();
    }
    if (!name.isEmpty()) {
      r.setName(name);
    }
    r.setMatch(match(m));
    if (rule.redirect() != null) {
      r.setRedirect(redirect(rule.redirect()));
    } else if (rule.directResponse() != null) {
      r.setDirectResponse(directResponse(rule.directResponse()));
    } else {
      r.setRoute(action(vs, rule, m, t));
      List<VirtualService.HttpRouteDestination> dests = destinations(rule);
      if (dests.size() == 1 && dests.getFirst().headers() != null) {
        // A single destination's header operations act like the rule's own.
        applyHeaders(dests.getFirst().headers(), r);
      }
    }
    if (rule.headers() != null) {
      applyHeaders(rule.headers(), r);
    }
    if (rule.fault() != null) {
      r.putTypedPerFilterConfig(Envoy.FAULT, Envoy.any(fault(rule.fault())));
    }
    if (rule.corsPolicy() != null && !t.proxyless()) {
      r.putTypedPerFilterConfig(Envoy.CORS, Envoy.any(cors(rule.corsPolicy())));
    }
    return r.build();
  }

  static RouteMatch match(HttpMatchRequest m) {
    RouteMatch.Builder b = RouteMatch.newBuilder();
    if (m == null || m.uri() == null || m.uri().isEmpty()) {
      b.setPrefix("/");
    } else if (m.uri().exact() != null) {
      b.setPath(m.uri().exact());
    } else if (m.uri().prefix() != null) {
      b.setPrefix(m.uri().prefix());
    } else {
      b.setSafeRegex(RegexMatcher.newBuilder().setRegex(m.uri().regex()));
    }
    if (m == null) {
      return b.build();
    }
    if (m.ignoreUriCase()) {
      b.setCaseSensitive(BoolValue.of(false));
    }
    pseudoHeader(b, ":scheme", m.scheme());
    pseudoHeader(b, ":method", m.method());
    pseudoHeader(b, ":authority", m.authority());
    for (var h : new TreeMap<>(m.headers()).entrySet()) {
      b.addHeaders(header(h.getKey(), h.getValue(), false));
    }
    for (var h : new TreeMap<>(m.withoutHeaders()).entrySet()) {
      b.addHeaders(header(h.getKey(), h.getValue(), true));
    }
    for (var q : new TreeMap<>(m.queryParams()).entrySet()) {
      QueryParameterMatcher.Builder qm = QueryParameterMatcher.newBuilder().setName(q.getKey());
      if (q.getValue() == null || q.getValue().isEmpty()) {
        qm.setPresentMatch(true);
      } else {
        qm.setStringMatch(stringMatcher(q.getValue(), false));
      }
      b.addQueryParameters(qm);
    }
    return b.build();
  }

  private static void pseudoHeader(RouteMatch.Builder b, String name, StringMatch value) {
    if (value != null && !value.isEmpty()) {
      b.addHeaders(header(name, value, false));
    }
  }

  private static HeaderMatcher header(String name, StringMatch value, boolean invert) {
    HeaderMatcher.Builder h = HeaderMatcher.newBuilder().setName(name.toLowerCase(Locale.ROOT));
    if (value == null || value.isEmpty()) {
      h.setPresentMatch(true);
    } else {
      h.setStringMatch(stringMatcher(value, false));
    }
    if (invert) {
      h.setInvertMatch(true);
    }
    return h.build();
  }

  static StringMatcher stringMatcher(StringMatch m, boolean ignoreCase) {
    StringMatcher.Builder s = StringMatcher.newBuilder();
    if (m.exact() != null) {
      s.setExact(m.exact());
    } else if (m.prefix() != null) {
      s.setPrefix(m.prefix());
    } else {
      s.setSafeRegex(RegexMatcher.newBuilder().setRegex(m.regex()));
    }
    if (ignoreCase) {
      s.setIgnoreCase(true);
    }
    return s.build();
  }

  private static RouteAction action(ResolvedVirtualService vs, HttpRoute rule, HttpMatchRequest m, RouteTarget t) {
    RouteAction.Builder a = RouteAction.newBuilder();
    List<VirtualService.HttpRouteDestination> dests = destinations(rule);
    if (dests.size() == 1) {
      a.setCluster(cluster(dests.getFirst().destination(), vs, t));
    } else {
      WeightedCluster.Builder w = WeightedCluster.newBuilder();
      for (VirtualService.HttpRouteDestination d : dests) {
        WeightedCluster.ClusterWeight.Builder cw =
            WeightedCluster.ClusterWeight.newBuilder().setName(cluster(d.destination(), vs, t)).setWeight(UInt32Value.of(d.weight()));
        if (d.headers() != null) {
          applyHeaders(d.headers(), cw);
        }
        w.addClusters(cw);
      }
      a.setWeightedClusters(w);
    }
    applyTimeout(a, rule.timeout(), t);
    if (rule.retries() == null) {
      if (!t.proxyless()) {
        a.setRetryPolicy(defaultRetry());
      }
    } else if (rule.retries().attempts() > 0) {
      a.setRetryPolicy(retry(rule.retries()));
    }
    if (rule.rewrite() != null) {
      VirtualService.HttpRewrite rw = rule.rewrite();
      if (!rw.uri().isEmpty()) {
        a.setPrefixRewrite(rw.uri());
      } else if (rw.uriRegexRewrite() != null) {
        a.setRegexRewrite(
            RegexMatchAndSubstitute.newBuilder()
                .setPattern(RegexMatcher.newBuilder().setRegex(rw.uriRegexRewrite().match()))
                .setSubstitution(rw.uriRegexRewrite().rewrite()));
      }
      if (!rw.authority().isEmpty()) {
        a.setHostRewriteLiteral(rw.authority());
      }
    }
    if (!t.proxyless()) {
      if (rule.mirror() != null) {
        double pct = rule.mirrorPercentage() != null ? rule.mirrorPercentage().value() : rule.mirrorPercent() != null ? rule.mirrorPercent() : 100;
        a.addRequestMirrorPolicies(mirror(rule.mirror(), pct, vs, t));
      }
      for (VirtualService.HttpMirrorPolicy mp : rule.mirrors()) {
        a.addRequestMirrorPolicies(mirror(mp.destination(), mp.percentage() == null ? 100 : mp.percentage().value(), vs, t));
      }
      if (rule.websocketUpgrade()) {
        a.addUpgradeConfigs(RouteAction.UpgradeConfig.newBuilder().setUpgradeType("websocket"));
      }
    }
    if (!dests.isEmpty()) {
      hashPolicy(dests.getFirst().destination(), vs, t).ifPresent(a::addHashPolicy);
    }
    return a.build();
  }

  /** The destinations a rule really sends to: weight-0 ones dropped unless nothing else is left. */
  private static List<VirtualService.HttpRouteDestination> destinations(HttpRoute rule) {
    List<VirtualService.HttpRouteDestination> dests =
        rule.route().stream().filter(d -> d.weight() > 0 || rule.route().size() == 1).toList();
    return dests.isEmpty() ? rule.route() : dests;
  }

  private static RouteAction.RequestMirrorPolicy mirror(Destination d, double percent, ResolvedVirtualService vs, RouteTarget t) {
    return RouteAction.RequestMirrorPolicy.newBuilder()
        .setCluster(cluster(d, vs, t))
        .setRuntimeFraction(RuntimeFractionalPercent.newBuilder().setDefaultValue(Envoy.percent(percent)))
        .build();
  }

  /**
   * {@code outbound|PORT|SUBSET|HOST} for a destination: the host resolved in the VirtualService's
   * namespace; the port as written, else the service's only port, else the listener's.
   */
  static String cluster(Destination d, ResolvedVirtualService vs, RouteTarget t) {
    String host = HostNames.fqdn(d.host(), vs.namespace());
    int port = d.port() != null && d.port().number() > 0 ? d.port().number() : 0;
    if (port == 0) {
      Optional<MeshService> s = t.ctx().service(host, t.namespace());
      port = s.isPresent() && s.get().ports().size() == 1 ? s.get().ports().getFirst().port() : t.port();
    }
    return Envoy.outboundCluster(port, d.subset(), host);
  }

  private static void applyTimeout(RouteAction.Builder a, Duration timeout, RouteTarget t) {
    // Istio disables Envoy's 15 s default: no timeout unless the VirtualService sets one.
    com.google.protobuf.Duration d = timeout == null ? com.google.protobuf.Duration.getDefaultInstance() : Envoy.duration(timeout);
    a.setTimeout(d);
    a.setMaxStreamDuration(RouteAction.MaxStreamDuration.newBuilder().setMaxStreamDuration(d).setGrpcTimeoutHeaderMax(d));
  }

  /**
   * Istio's default retry policy. One immutable instance for every route that gets it: a sidecar's
   * route configuration carries it once per service, and building (and packing the predicate's
   * Any) ten thousand times per push was pure waste.
   */
  static RetryPolicy defaultRetry() {
    return DefaultRetry.POLICY;
  }

  /** Holder: built on first use, after the constants it reads are initialized. */
  private static final class DefaultRetry {
    static final RetryPolicy POLICY =
        RetryPolicy.newBuilder()
            .setNumRetries(UInt32Value.of(DEFAULT_RETRY_ATTEMPTS))
            .setRetryOn(DEFAULT_RETRY_ON)
            .addRetriableStatusCodes(503)
            .addRetryHostPredicate(previousHosts())
            .setHostSelectionRetryMaxAttempts(HOST_SELECTION_RETRY_MAX_ATTEMPTS)
            .build();
  }

  private static RetryPolicy.RetryHostPredicate previousHosts() {
    return RetryPolicy.RetryHostPredicate.newBuilder()
        .setName(PREVIOUS_HOSTS)
        .setTypedConfig(Envoy.any(PreviousHostsPredicate.getDefaultInstance()))
        .build();
  }

  private static RetryPolicy retry(VirtualService.HttpRetry r) {
    RetryPolicy.Builder p = RetryPolicy.newBuilder().setNumRetries(UInt32Value.of(r.attempts()));
    String retryOn = r.retryOn().isEmpty() ? DEFAULT_RETRY_ON : r.retryOn();
    List<String> conditions = new ArrayList<>();
    boolean codes = false;
    for (String c : retryOn.split(",")) {
      String s = c.strip();
      if (s.isEmpty()) {
        continue;
      }
      if (s.chars().allMatch(Character::isDigit)) {
        p.addRetriableStatusCodes(Integer.parseInt(s));
        codes = true;
      } else {
        conditions.add(s);
      }
    }
    if (codes && !conditions.contains("retriable-status-codes")) {
      conditions.add("retriable-status-codes");
    }
    if (r.retryOn().isEmpty()) {
      p.addRetriableStatusCodes(503);
    }
    p.setRetryOn(String.join(",", conditions));
    if (r.perTryTimeout() != null) {
      p.setPerTryTimeout(Envoy.duration(r.perTryTimeout()));
    }
    if (!Boolean.FALSE.equals(r.retryIgnorePreviousHosts())) {
      p.addRetryHostPredicate(previousHosts()).setHostSelectionRetryMaxAttempts(HOST_SELECTION_RETRY_MAX_ATTEMPTS);
    }
    if (r.backoff() != null) {
      p.setRetryBackOff(RetryPolicy.RetryBackOff.newBuilder().setBaseInterval(Envoy.duration(r.backoff())));
    }
    return p.build();
  }

  private static RedirectAction redirect(VirtualService.HttpRedirect r) {
    RedirectAction.Builder b = RedirectAction.newBuilder();
    if (!r.uri().isEmpty()) {
      b.setPathRedirect(r.uri());
    }
    if (!r.authority().isEmpty()) {
      b.setHostRedirect(r.authority());
    }
    if (r.port() != null && r.port() > 0) {
      b.setPortRedirect(r.port());
    }
    if (!r.scheme().isEmpty()) {
      b.setSchemeRedirect(r.scheme());
    }
    b.setResponseCode(
        switch (r.redirectCode()) {
          case 0, 301 -> RedirectAction.RedirectResponseCode.MOVED_PERMANENTLY;
          case 302 -> RedirectAction.RedirectResponseCode.FOUND;
          case 303 -> RedirectAction.RedirectResponseCode.SEE_OTHER;
          case 307 -> RedirectAction.RedirectResponseCode.TEMPORARY_REDIRECT;
          case 308 -> RedirectAction.RedirectResponseCode.PERMANENT_REDIRECT;
          default -> throw new IllegalArgumentException("redirectCode: " + r.redirectCode() + " (expected: 301, 302, 303, 307, 308)");
        });
    return b.build();
  }

  private static DirectResponseAction directResponse(VirtualService.HttpDirectResponse d) {
    DirectResponseAction.Builder b = DirectResponseAction.newBuilder().setStatus(d.status());
    if (d.body() != null) {
      if (d.body().string() != null) {
        b.setBody(DataSource.newBuilder().setInlineString(d.body().string()));
      } else if (d.body().bytes() != null) {
        b.setBody(DataSource.newBuilder().setInlineBytes(com.google.protobuf.ByteString.copyFrom(Base64.getDecoder().decode(d.body().bytes()))));
      }
    }
    return b.build();
  }

  private static HTTPFault fault(VirtualService.HttpFaultInjection f) {
    HTTPFault.Builder b = HTTPFault.newBuilder();
    if (f.delay() != null) {
      VirtualService.HttpFaultInjection.Delay d = f.delay();
      FaultDelay.Builder fd = FaultDelay.newBuilder();
      if (d.fixedDelay() != null) {
        fd.setFixedDelay(Envoy.duration(d.fixedDelay()));
      } else if (d.exponentialDelay() != null) {
        fd.setFixedDelay(Envoy.duration(d.exponentialDelay()));
      }
      fd.setPercentage(d.percentage() != null ? Envoy.percent(d.percentage().value()) : d.percent() > 0 ? Envoy.percentInt(d.percent()) : Envoy.percent(100));
      b.setDelay(fd);
    }
    if (f.abort() != null) {
      VirtualService.HttpFaultInjection.Abort ab = f.abort();
      FaultAbort.Builder fa = FaultAbort.newBuilder();
      if (ab.httpStatus() != null) {
        fa.setHttpStatus(ab.httpStatus());
      } else if (ab.grpcStatus() != null) {
        Integer code = GRPC_CODES.get(ab.grpcStatus().toUpperCase(Locale.ROOT));
        fa.setGrpcStatus(code != null ? code : Integer.parseInt(ab.grpcStatus()));
      } else if (ab.http2Error() != null) {
        // Envoy's fault filter cannot inject HTTP/2 errors; Istio maps them to a 503 abort too.
        fa.setHttpStatus(503);
      }
      fa.setPercentage(ab.percentage() != null ? Envoy.percent(ab.percentage().value()) : Envoy.percent(100));
      b.setAbort(fa);
    }
    return b.build();
  }

  private static CorsPolicy cors(VirtualService.CorsPolicy c) {
    CorsPolicy.Builder b = CorsPolicy.newBuilder();
    for (String o : c.allowOrigin()) {
      b.addAllowOriginStringMatch(StringMatcher.newBuilder().setExact(o));
    }
    for (StringMatch o : c.allowOrigins()) {
      b.addAllowOriginStringMatch(stringMatcher(o, false));
    }
    if (!c.allowMethods().isEmpty()) {
      b.setAllowMethods(String.join(",", c.allowMethods()));
    }
    if (!c.allowHeaders().isEmpty()) {
      b.setAllowHeaders(String.join(",", c.allowHeaders()));
    }
    if (!c.exposeHeaders().isEmpty()) {
      b.setExposeHeaders(String.join(",", c.exposeHeaders()));
    }
    if (c.maxAge() != null) {
      b.setMaxAge(Long.toString(c.maxAge().toSeconds()));
    }
    if (c.allowCredentials() != null) {
      b.setAllowCredentials(BoolValue.of(c.allowCredentials()));
    }
    b.setForwardNotMatchingPreflights(BoolValue.of(c.unmatchedPreflights() != VirtualService.CorsPolicy.UnmatchedPreflights.IGNORE));
    return b.build();
  }

  private static Optional<RouteAction.HashPolicy> hashPolicy(Destination d, ResolvedVirtualService vs, RouteTarget t) {
    String host = HostNames.fqdn(d.host(), vs.namespace());
    Optional<MeshService> service = t.ctx().service(host, t.namespace());
    Optional<Resource<DestinationRule>> dr =
        t.ctx().destinationRule(host, t.namespace(), service.map(MeshService::namespace).orElse(vs.namespace()));
    if (dr.isEmpty()) {
      return Optional.empty();
    }
    int port = d.port() != null && d.port().number() > 0 ? d.port().number() : t.port();
    LoadBalancerSettings lb = EffectivePolicy.of(dr.get().spec(), port, d.subset()).loadBalancer();
    if (lb == null || lb.consistentHash() == null) {
      return Optional.empty();
    }
    LoadBalancerSettings.ConsistentHashLb h = lb.consistentHash();
    RouteAction.HashPolicy.Builder p = RouteAction.HashPolicy.newBuilder();
    if (h.httpHeaderName() != null) {
      p.setHeader(RouteAction.HashPolicy.Header.newBuilder().setHeaderName(h.httpHeaderName()));
    } else if (h.httpCookie() != null) {
      RouteAction.HashPolicy.Cookie.Builder c = RouteAction.HashPolicy.Cookie.newBuilder().setName(h.httpCookie().name());
      if (!h.httpCookie().path().isEmpty()) {
        c.setPath(h.httpCookie().path());
      }
      if (h.httpCookie().ttl() != null) {
        c.setTtl(Envoy.duration(h.httpCookie().ttl()));
      }
      p.setCookie(c);
    } else if (Boolean.TRUE.equals(h.useSourceIp())) {
      p.setConnectionProperties(RouteAction.HashPolicy.ConnectionProperties.newBuilder().setSourceIp(true));
    } else if (h.httpQueryParameterName() != null) {
      p.setQueryParameter(RouteAction.HashPolicy.QueryParameter.newBuilder().setName(h.httpQueryParameterName()));
    } else {
      return Optional.empty();
    }
    return Optional.of(p.build());
  }

  static List<HeaderValueOption> headerOptions(Map<String, String> set, Map<String, String> add) {
    List<HeaderValueOption> out = new ArrayList<>();
    for (var e : new TreeMap<>(set).entrySet()) {
      out.add(
          HeaderValueOption.newBuilder()
              .setHeader(HeaderValue.newBuilder().setKey(e.getKey()).setValue(e.getValue()))
              .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
              .build());
    }
    for (var e : new TreeMap<>(add).entrySet()) {
      out.add(
          HeaderValueOption.newBuilder()
              .setHeader(HeaderValue.newBuilder().setKey(e.getKey()).setValue(e.getValue()))
              .setAppendAction(HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD)
              .build());
    }
    return out;
  }

  private static void applyHeaders(Headers h, Route.Builder r) {
    if (h.request() != null) {
      r.addAllRequestHeadersToAdd(headerOptions(h.request().set(), h.request().add()));
      r.addAllRequestHeadersToRemove(h.request().remove());
    }
    if (h.response() != null) {
      r.addAllResponseHeadersToAdd(headerOptions(h.response().set(), h.response().add()));
      r.addAllResponseHeadersToRemove(h.response().remove());
    }
  }

  private static void applyHeaders(Headers h, WeightedCluster.ClusterWeight.Builder r) {
    if (h.request() != null) {
      r.addAllRequestHeadersToAdd(headerOptions(h.request().set(), h.request().add()));
      r.addAllRequestHeadersToRemove(h.request().remove());
    }
    if (h.response() != null) {
      r.addAllResponseHeadersToAdd(headerOptions(h.response().set(), h.response().add()));
      r.addAllResponseHeadersToRemove(h.response().remove());
    }
  }

  private static Map<String, Integer> grpcCodes() {
    String[] names = {
      "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
      "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
      "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"
    };
    Map<String, Integer> m = new TreeMap<>();
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], i);
    }
    return m;
  }
}
