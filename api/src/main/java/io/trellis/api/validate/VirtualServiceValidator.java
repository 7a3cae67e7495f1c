package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;
import static io.trellis.api.model.FieldPath.key;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.Destination;
import io.trellis.api.model.networking.Headers;
import io.trellis.api.model.networking.Percent;
import io.trellis.api.model.networking.StringMatch;
import io.trellis.api.model.networking.VirtualService;
import io.trellis.api.model.networking.VirtualService.HttpMatchRequest;
import io.trellis.api.model.networking.VirtualService.HttpRoute;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Istio's VirtualService rules: hosts, gateways, every HTTP/TLS/TCP route, unreachable rules. */
final class VirtualServiceValidator {

  private static final Set<String> RETRY_ON =
      Set.of(
          "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "retriable-4xx", "refused-stream",
          "retriable-status-codes", "retriable-headers", "envoy-ratelimited", "http3-post-connect-failure",
          "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable");
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE");
  private static final Set<String> GRPC_STATUS =
      Set.of(
          "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
          "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
          "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED");
  private static final int KB = 1024;

  private VirtualServiceValidator() {}

  static void validate(Resource<VirtualService> resource, Findings f) {
    VirtualService vs = resource.spec();
    boolean delegate = vs.hosts().isEmpty();
    if (delegate) {
      if (!vs.gateways().isEmpty()) {
        f.error("spec.gateways", "delegate virtual service must have no gateways specified");
      }
      if (!vs.tls().isEmpty()) {
        f.error("spec.tls", "delegate virtual service must have no tls route specified");
      }
      if (!vs.tcp().isEmpty()) {
        f.error("spec.tcp", "delegate virtual service must have no tcp route specified");
      }
    }
    boolean appliesToGateway = !vs.gateways().isEmpty() && !vs.gateways().contains("mesh");
    boolean appliesToMesh = !appliesToGateway;
    Gateways.checkNames(vs.gateways(), "spec.gateways", f);

    if (!appliesToGateway) {
      for (int i = 0; i < vs.http().size(); i++) {
        for (int m = 0; m < vs.http().get(i).match().size(); m++) {
          HttpMatchRequest match = vs.http().get(i).match().get(m);
          String at = index(field(index("spec.http", i), "match"), m);
          for (String header : match.headers().keySet()) {
            if (HttpHeaders.isJwtClaim(header)) {
              f.error(key(field(at, "headers"), header), "JWT claim based routing is only supported for gateways");
            }
          }
          for (String header : match.withoutHeaders().keySet()) {
            if (HttpHeaders.isJwtClaim(header)) {
              f.error(key(field(at, "withoutHeaders"), header), "JWT claim based routing is only supported for gateways");
            }
          }
        }
      }
    }

    boolean allHostsValid = true;
    boolean sni = vs.tls().stream().anyMatch(t -> t.match().stream().anyMatch(m -> !m.sniHosts().isEmpty()));
    for (int i = 0; i < vs.hosts().size(); i++) {
      String host = vs.hosts().get(i);
      String at = index("spec.hosts", i);
      String error =
          appliesToGateway && sni && host.startsWith("outbound_.") ? null : Names.checkWildcardDomain(host);
      if (error != null) {
        if (!Addresses.isIp(host)) {
          f.error(at, error);
          allHostsValid = false;
        }
      } else if (appliesToMesh && host.equals("*")) {
        f.error(at, "wildcard host * is not allowed for virtual services bound to the mesh gateway");
        allHostsValid = false;
      }
    }
    if (allHostsValid) {
      for (int i = 0; i < vs.hosts().size(); i++) {
        for (int j = i + 1; j < vs.hosts().size(); j++) {
          if (HostNames.matches(vs.hosts().get(i), vs.hosts().get(j))) {
            f.error(index("spec.hosts", j), "duplicate hosts in virtual service: " + vs.hosts().get(i) + " & " + vs.hosts().get(j));
          }
        }
      }
    }
    if (vs.http().isEmpty() && vs.tcp().isEmpty() && vs.tls().isEmpty()) {
      f.error("spec", "http, tcp or tls must be provided in virtual service");
    }
    for (int i = 0; i < vs.http().size(); i++) {
      httpRoute(vs.http().get(i), delegate, index("spec.http", i), f);
    }
    for (int i = 0; i < vs.tls().size(); i++) {
      tlsRoute(vs, vs.tls().get(i), appliesToGateway, index("spec.tls", i), f);
    }
    for (int i = 0; i < vs.tcp().size(); i++) {
      VirtualService.TcpRoute tcp = vs.tcp().get(i);
      String at = index("spec.tcp", i);
      for (int m = 0; m < tcp.match().size(); m++) {
        VirtualService.L4MatchAttributes match = tcp.match().get(m);
        String mat = index(field(at, "match"), m);
        subnets(match.destinationSubnets(), field(mat, "destinationSubnets"), f);
        if (!match.sourceSubnet().isEmpty()) {
          f.errorIf(field(mat, "sourceSubnet"), Addresses.checkIpOrCidr(match.sourceSubnet()));
        }
        port(match.port(), field(mat, "port"), f);
        Names.checkLabels(match.sourceLabels(), field(mat, "sourceLabels"), f);
        Gateways.checkNames(match.gateways(), field(mat, "gateways"), f);
      }
      if (tcp.route().isEmpty()) {
        f.error(field(at, "route"), "TCP route is required");
      }
      routeDestinations(tcp.route(), field(at, "route"), f);
    }
    ExportTo.check(vs.exportTo(), resource.namespace(), false, false, "spec.exportTo", f);
    unreachable(vs, f);
  }

  private static void port(int port, String path, Findings f) {
    if (port != 0 && !Names.isPort(port)) {
      f.error(path, "port number " + port + " must be in the range 1..65535", "1..65535");
    }
  }

  private static void subnets(List<String> subnets, String path, Findings f) {
    for (int i = 0; i < subnets.size(); i++) {
      f.errorIf(index(path, i), Addresses.checkIpOrCidr(subnets.get(i)));
    }
  }

  private static void httpRoute(HttpRoute http, boolean delegate, String at, Findings f) {
    boolean root = !delegate && http.delegate() != null;
    if (root) {
      if (http.redirect() != null) {
        f.error(field(at, "redirect"), "root HTTP route must not specify redirect");
      }
      if (!http.route().isEmpty()) {
        f.error(field(at, "route"), "root HTTP route must not specify route");
      }
    } else {
      if (delegate && http.delegate() != null) {
        f.error(field(at, "delegate"), "delegate HTTP route cannot contain delegate");
      }
      if (http.redirect() != null) {
        if (!http.route().isEmpty()) {
          f.error(at, "HTTP route cannot contain both route and redirect");
        }
        if (http.fault() != null) {
          f.error(at, "HTTP route cannot contain both fault and redirect");
        }
        if (http.rewrite() != null) {
          f.error(at, "HTTP route rule cannot contain both rewrite and redirect");
        }
        if (http.directResponse() != null) {
          f.error(at, "HTTP route cannot contain both redirect and direct response");
        }
      } else if (http.directResponse() != null) {
        if (!http.route().isEmpty()) {
          f.error(at, "HTTP route cannot contain both route and direct response");
        }
      } else if (http.route().isEmpty()) {
        f.error(at, "HTTP route, redirect or direct response is required");
      }
    }
    matches(http, root || delegate, at, f);
    headers(http.headers(), field(at, "headers"), f);
    cors(http.corsPolicy(), field(at, "corsPolicy"), f);
    fault(http.fault(), field(at, "fault"), f);
    if (http.mirrorPercent() != null) {
      if (http.mirrorPercent() > 100) {
        f.error(field(at, "mirrorPercent"), "mirror_percent must have a max value of 100 (it has " + http.mirrorPercent() + ")", "0..100");
      }
      f.warning(field(at, "mirrorPercent"), "using deprecated setting \"mirrorPercent\", use \"mirrorPercentage\" instead");
    }
    if (http.mirrorPercentage() != null) {
      double v = http.mirrorPercentage().value();
      if (v > 100 || v < 0) {
        f.error(field(field(at, "mirrorPercentage"), "value"), "mirror percentage " + v + " out of range", "0.0..100.0");
      }
    }
    destination(http.mirror(), field(at, "mirror"), f);
    for (int i = 0; i < http.mirrors().size(); i++) {
      VirtualService.HttpMirrorPolicy mirror = http.mirrors().get(i);
      String mat = index(field(at, "mirrors"), i);
      if (mirror.destination() == null) {
        f.error(field(mat, "destination"), "destination is required for mirrors");
        continue;
      }
      destination(mirror.destination(), field(mat, "destination"), f);
      if (mirror.percentage() != null && (mirror.percentage().value() > 100 || mirror.percentage().value() < 0)) {
        f.error(field(field(mat, "percentage"), "value"), "mirror percentage " + mirror.percentage().value() + " out of range", "0.0..100.0");
      }
    }
    redirect(http.redirect(), field(at, "redirect"), f);
    retries(http.retries(), field(at, "retries"), f);
    rewrite(http.rewrite(), http.headers(), field(at, "rewrite"), f);
    directResponse(http.directResponse(), field(at, "directResponse"), f);
    int total = 0;
    for (int i = 0; i < http.route().size(); i++) {
      VirtualService.HttpRouteDestination d = http.route().get(i);
      String dat = index(field(at, "route"), i);
      if (d.destination() == null) {
        f.error(field(dat, "destination"), "destination is required");
      }
      headers(d.headers(), field(dat, "headers"), f);
      destination(d.destination(), field(dat, "destination"), f);
      if (d.weight() < 0) {
        f.error(field(dat, "weight"), "weight " + d.weight() + " < 0", ">= 0");
      }
      total += d.weight();
    }
    if (http.route().size() > 1 && total == 0) {
      f.error(field(at, "route"), "total destination weight = 0", "at least one positive weight");
    }
    Durations.check(http.timeout(), field(at, "timeout"), f);
    if (http.websocketUpgrade()) {
      f.warning(field(at, "websocketUpgrade"), "websocketUpgrade is deprecated and has no effect; upgrades are always allowed");
    }
  }

  private static void matches(HttpRoute http, boolean delegating, String at, Findings f) {
    for (int m = 0; m < http.match().size(); m++) {
      HttpMatchRequest match = http.match().get(m);
      String mat = index(field(at, "match"), m);
      if (!delegating) {
        match.headers().forEach((name, sm) -> {
          String hat = key(field(mat, "headers"), name);
          f.errorIf(hat, HttpHeaders.checkMatchName(name));
          stringMatch(sm, hat, f);
        });
        stringMatch(match.uri(), field(mat, "uri"), f);
        stringMatch(match.scheme(), field(mat, "scheme"), f);
        stringMatch(match.method(), field(mat, "method"), f);
        stringMatch(match.authority(), field(mat, "authority"), f);
        match.queryParams().forEach((name, sm) -> stringMatch(sm, key(field(mat, "queryParams"), name), f));
        match.withoutHeaders().forEach((name, sm) -> {
          String hat = key(field(mat, "withoutHeaders"), name);
          f.errorIf(hat, HttpHeaders.checkMatchName(name));
          stringMatch(sm, hat, f);
        });
      } else {
        noRegex(match.uri(), field(mat, "uri"), "url", f);
        noRegex(match.scheme(), field(mat, "scheme"), "scheme", f);
        noRegex(match.method(), field(mat, "method"), "method", f);
        noRegex(match.authority(), field(mat, "authority"), "authority", f);
        match.headers().forEach((name, sm) -> {
          String hat = key(field(mat, "headers"), name);
          noRegex(sm, hat, "header match " + name, f);
          f.errorIf(hat, HttpHeaders.checkMatchName(name));
        });
        match.queryParams().forEach((name, sm) -> noRegex(sm, key(field(mat, "queryParams"), name), "query param match " + name, f));
        match.withoutHeaders().forEach((name, sm) -> {
          String hat = key(field(mat, "withoutHeaders"), name);
          noRegex(sm, hat, "withoutHeaders match " + name, f);
          f.errorIf(hat, HttpHeaders.checkMatchName(name));
        });
      }
      port(match.port(), field(mat, "port"), f);
      Names.checkLabels(match.sourceLabels(), field(mat, "sourceLabels"), f);
      Gateways.checkNames(match.gateways(), field(mat, "gateways"), f);
      if (!match.sourceNamespace().isEmpty() && !Names.isDnsLabel(match.sourceNamespace())) {
        f.error(field(mat, "sourceNamespace"), "sourceNamespace match " + match.sourceNamespace() + " is invalid");
      }
    }
  }

  private static void noRegex(StringMatch sm, String path, String what, Findings f) {
    if (sm != null && sm.regex() != null) {
      f.error(path, what + " does not support regex match for delegating");
    }
  }

  /** Istio's StringMatch rules: a prefix is not empty; a regex is valid RE2. */
  static void stringMatch(StringMatch sm, String path, Findings f) {
    if (sm == null) {
      return;
    }
    if (sm.prefix() != null && sm.prefix().isEmpty()) {
      f.error(field(path, "prefix"), "prefix string match should not be empty");
    }
    if (sm.regex() != null) {
      f.errorIf(field(path, "regex"), Regexes.check(sm.regex()));
    }
    int set = (sm.exact() != null ? 1 : 0) + (sm.prefix() != null ? 1 : 0) + (sm.regex() != null ? 1 : 0);
    if (set > 1) {
      f.error(path, "only one of exact, prefix or regex may be set");
    }
  }

  static void headers(Headers headers, String path, Findings f) {
    if (headers == null) {
      return;
    }
    if (headers.request() != null) {
      String at = field(path, "request");
      headers.request().add().forEach((n, v) -> {
        f.errorIf(key(field(at, "add"), n), HttpHeaders.checkRequestSetName(n));
        f.errorIf(key(field(at, "add"), n), HttpHeaders.checkValue(v));
      });
      headers.request().set().forEach((n, v) -> {
        f.errorIf(key(field(at, "set"), n), HttpHeaders.checkRequestSetName(n));
        f.errorIf(key(field(at, "set"), n), HttpHeaders.checkValue(v));
      });
      for (int i = 0; i < headers.request().remove().size(); i++) {
        f.errorIf(index(field(at, "remove"), i), HttpHeaders.checkOperationName(headers.request().remove().get(i)));
      }
    }
    if (headers.response() != null) {
      String at = field(path, "response");
      headers.response().add().forEach((n, v) -> {
        f.errorIf(key(field(at, "add"), n), HttpHeaders.checkOperationName(n));
        f.errorIf(key(field(at, "add"), n), HttpHeaders.checkValue(v));
      });
      headers.response().set().forEach((n, v) -> {
        f.errorIf(key(field(at, "set"), n), HttpHeaders.checkOperationName(n));
        f.errorIf(key(field(at, "set"), n), HttpHeaders.checkValue(v));
      });
      for (int i = 0; i < headers.response().remove().size(); i++) {
        f.errorIf(index(field(at, "remove"), i), HttpHeaders.checkOperationName(headers.response().remove().get(i)));
      }
    }
  }

  private static void cors(VirtualService.CorsPolicy cors, String at, Findings f) {
    if (cors == null) {
      return;
    }
    for (int i = 0; i < cors.allowOrigins().size(); i++) {
      StringMatch origin = cors.allowOrigins().get(i);
      String oat = index(field(at, "allowOrigins"), i);
      String value = origin.exact() != null ? origin.exact() : origin.prefix() != null ? origin.prefix() : origin.regex();
      if (value == null || value.isEmpty()) {
        f.error(oat, "'" + (value == null ? "" : value) + "' is not a valid match type for CORS allow origins", "exact, prefix or regex");
      } else if (origin.regex() != null) {
        f.errorIf(field(oat, "regex"), Regexes.check(origin.regex()));
      }
    }
    if (!cors.allowOrigin().isEmpty()) {
      f.warning(field(at, "allowOrigin"), "allowOrigin is deprecated, use allowOrigins instead");
    }
    for (int i = 0; i < cors.allowMethods().size(); i++) {
      String m = cors.allowMethods().get(i);
      if (!METHODS.contains(m)) {
        f.error(index(field(at, "allowMethods"), i), "\"" + m + "\" is not a supported HTTP method", String.join(", ", List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE")));
      }
    }
    corsHeaders(cors.allowHeaders(), field(at, "allowHeaders"), f);
    corsHeaders(cors.exposeHeaders(), field(at, "exposeHeaders"), f);
    if (cors.maxAge() != null) {
      Durations.check(cors.maxAge(), field(at, "maxAge"), f);
      if (cors.maxAge().getNano() > 0) {
        f.error(field(at, "maxAge"), "max_age duration is accurate only to seconds precision");
      }
    }
  }

  private static void corsHeaders(List<String> names, String path, Findings f) {
    for (int i = 0; i < names.size(); i++) {
      String n = names.get(i);
      if (!n.equals("*")) {
        f.errorIf(index(path, i), HttpHeaders.checkName(n));
      }
    }
  }

  private static void percentage(Percent p, String path, Findings f) {
    if (p == null) {
      return;
    }
    double v = p.value();
    if (v < 0.0 || v > 100.0 || (v > 0.0 && v < 0.0001)) {
      f.error(field(path, "value"), "percentage " + v + " is neither 0.0, nor in range [0.0001, 100.0]", "0.0 or 0.0001..100.0");
    }
  }

  private static void fault(VirtualService.HttpFaultInjection fault, String at, Findings f) {
    if (fault == null) {
      return;
    }
    if (fault.abort() == null && fault.delay() == null) {
      f.error(at, "HTTP fault injection must have an abort and/or a delay");
    }
    VirtualService.HttpFaultInjection.Abort abort = fault.abort();
    if (abort != null) {
      String aat = field(at, "abort");
      percentage(abort.percentage(), field(aat, "percentage"), f);
      if (abort.grpcStatus() != null) {
        if (!GRPC_STATUS.contains(abort.grpcStatus())) {
          f.error(field(aat, "grpcStatus"), "gRPC status \"" + abort.grpcStatus() + "\" is not supported", "a gRPC status name such as NOT_FOUND");
        }
      } else if (abort.http2Error() != null) {
        f.error(field(aat, "http2Error"), "HTTP/2 abort fault injection not supported yet");
      } else if (abort.httpStatus() != null) {
        if (abort.httpStatus() < 200 || abort.httpStatus() > 599) {
          f.error(field(aat, "httpStatus"), "HTTP status " + abort.httpStatus() + " is not in range 200-599", "200..599");
        }
      } else {
        f.warning(aat, "abort configured, but error type not set");
      }
    }
    VirtualService.HttpFaultInjection.Delay delay = fault.delay();
    if (delay != null) {
      String dat = field(at, "delay");
      percentage(delay.percentage(), field(dat, "percentage"), f);
      if (delay.percent() < 0 || delay.percent() > 100) {
        f.error(field(dat, "percent"), "percentage " + delay.percent() + " is not in range 0..100", "0..100");
      }
      Durations.check(delay.fixedDelay(), field(dat, "fixedDelay"), f);
      if (delay.exponentialDelay() != null) {
        Durations.check(delay.exponentialDelay(), field(dat, "exponentialDelay"), f);
        f.error(field(dat, "exponentialDelay"), "exponentialDelay not supported yet");
      }
    }
  }

  /** Istio's destination rules: a host that is not "*", a DNS-label subset, a valid port. */
  static void destination(Destination d, String at, Findings f) {
    if (d == null) {
      return;
    }
    if (d.host().equals("*")) {
      f.error(field(at, "host"), "invalid destination host *");
    } else {
      f.errorIf(field(at, "host"), Names.checkWildcardDomain(d.host()));
    }
    if (!d.subset().isEmpty() && !Names.isDnsLabel(d.subset())) {
      f.error(field(at, "subset"), "subset name is invalid: " + d.subset(), "a DNS-1123 label");
    }
    if (d.port() != null && !Names.isPort(d.port().number())) {
      f.error(field(field(at, "port"), "number"), "port number " + d.port().number() + " must be in the range 1..65535", "1..65535");
    }
  }

  private static void retries(VirtualService.HttpRetry r, String at, Findings f) {
    if (r == null) {
      return;
    }
    if (r.attempts() < 0) {
      f.error(field(at, "attempts"), "attempts cannot be negative", ">= 0");
    }
    if (r.attempts() == 0 && (r.perTryTimeout() != null || !r.retryOn().isEmpty() || r.retryRemoteLocalities() != null)) {
      f.error(at, "http retry policy configured when attempts are set to 0 (disabled)");
    }
    Durations.check(r.perTryTimeout(), field(at, "perTryTimeout"), f);
    Durations.check(r.backoff(), field(at, "backoff"), f);
    if (!r.retryOn().isEmpty()) {
      for (String policy : r.retryOn().split(",", -1)) {
        if (!RETRY_ON.contains(policy) && !isHttpStatus(policy)) {
          f.error(field(at, "retryOn"), "\"" + policy + "\" is not a valid retryOn policy", "Envoy retry-on policies or HTTP status codes");
        }
      }
    }
  }

  private static boolean isHttpStatus(String text) {
    if (text.length() != 3 || !text.chars().allMatch(Character::isDigit)) {
      return false;
    }
    int code = Integer.parseInt(text);
    return code >= 100 && code <= 599;
  }

  private static void redirect(VirtualService.HttpRedirect r, String at, Findings f) {
    if (r == null) {
      return;
    }
    if (r.uri().isEmpty() && r.authority().isEmpty() && r.port() == null && r.derivePort() == null && r.scheme().isEmpty()) {
      f.error(at, "redirect must specify URI, authority, scheme, or port");
    }
    if (r.redirectCode() != 0 && (r.redirectCode() < 300 || r.redirectCode() > 399)) {
      f.error(field(at, "redirectCode"), r.redirectCode() + " is not a valid redirect code, must be 3xx", "300..399");
    }
    if (!r.scheme().isEmpty() && !r.scheme().equals("http") && !r.scheme().equals("https")) {
      f.error(field(at, "scheme"), "invalid redirect scheme", "\"http\" or \"https\"");
    }
    if (r.port() != null && r.port() > 0 && !Names.isPort(r.port())) {
      f.error(field(at, "port"), "port number " + r.port() + " must be in the range 1..65535", "1..65535");
    }
  }

  private static void rewrite(VirtualService.HttpRewrite r, Headers headers, String at, Findings f) {
    if (r != null) {
      if (!r.uri().isEmpty() && r.uriRegexRewrite() != null) {
        f.error(at, "rewrite may only contain one of URI or UriRegexRewrite");
      }
      if (r.uri().isEmpty() && r.uriRegexRewrite() == null && r.authority().isEmpty()) {
        f.error(at, "rewrite must specify at least one of URI, UriRegexRewrite, or authority");
      }
      VirtualService.RegexRewrite rr = r.uriRegexRewrite();
      if (rr != null) {
        if (rr.match().isEmpty() || rr.rewrite().isEmpty()) {
          f.error(field(at, "uriRegexRewrite"), "UriRegexRewrite requires both Rewrite and Match fields to be specified");
        } else {
          f.errorIf(field(field(at, "uriRegexRewrite"), "match"), Regexes.check(rr.match()));
        }
      }
    }
    // The authority may be rewritten in one place only.
    String current = r == null ? "" : r.authority();
    if (headers != null && headers.request() != null) {
      for (Map<String, String> ops : List.of(headers.request().set(), headers.request().add())) {
        for (Map.Entry<String, String> e : ops.entrySet()) {
          if (HttpHeaders.isAuthority(e.getKey())) {
            if (!current.isEmpty()) {
              f.error(at.substring(0, at.lastIndexOf('.')) + ".headers.request",
                  "authority header cannot be set multiple times: have \"" + current + "\", attempting to set \"" + e.getValue() + "\"");
            }
            current = e.getValue();
          }
        }
      }
    }
  }

  private static void directResponse(VirtualService.HttpDirectResponse d, String at, Findings f) {
    if (d == null) {
      return;
    }
    if (d.body() != null) {
      String body = d.body().string() != null ? d.body().string() : d.body().bytes() != null ? d.body().bytes() : "";
      int size = body.length();
      if (size > 1024 * KB) {
        f.error(field(at, "body"), "large direct_responses may impact control plane performance, must be less than 1MB");
      } else if (size > 100 * KB) {
        f.warning(field(at, "body"), "large direct_responses may impact control plane performance");
      }
    }
    if (d.status() < 200 || d.status() > 599) {
      f.error(field(at, "status"), "HTTP status " + d.status() + " is not in range 200-599", "200..599");
    }
  }

  private static void tlsRoute(VirtualService vs, VirtualService.TlsRoute tls, boolean gateway, String at, Findings f) {
    if (tls.match().isEmpty()) {
      f.error(field(at, "match"), "TLS route must have at least one match condition");
    }
    for (int m = 0; m < tls.match().size(); m++) {
      VirtualService.TlsMatchAttributes match = tls.match().get(m);
      String mat = index(field(at, "match"), m);
      if (match.sniHosts().isEmpty()) {
        f.error(field(mat, "sniHosts"), "TLS match must have at least one SNI host");
      }
      for (int i = 0; i < match.sniHosts().size(); i++) {
        sniHost(vs, match.sniHosts().get(i), gateway, index(field(mat, "sniHosts"), i), f);
      }
      subnets(match.destinationSubnets(), field(mat, "destinationSubnets"), f);
      port(match.port(), field(mat, "port"), f);
      Names.checkLabels(match.sourceLabels(), field(mat, "sourceLabels"), f);
      Gateways.checkNames(match.gateways(), field(mat, "gateways"), f);
    }
    if (tls.route().isEmpty()) {
      f.error(field(at, "route"), "TLS route is required");
    }
    routeDestinations(tls.route(), field(at, "route"), f);
  }

  private static void sniHost(VirtualService vs, String sni, boolean gateway, String at, Findings f) {
    String error = gateway && sni.startsWith("outbound_.") ? null : Names.checkWildcardDomain(sni);
    if (error != null) {
      if (Addresses.isIp(sni)) {
        f.warning(at, "using an IP address (\"" + sni + "\") goes against SNI spec and most clients do not support this");
      } else {
        f.error(at, error);
      }
      return;
    }
    for (String host : vs.hosts()) {
      if (HostNames.subsetOf(sni, host)) {
        return;
      }
    }
    f.error(at, "SNI host \"" + sni + "\" is not a compatible subset of any of the virtual service hosts: [" + String.join(", ", vs.hosts()) + "]");
  }

  private static void routeDestinations(List<VirtualService.RouteDestination> route, String at, Findings f) {
    int total = 0;
    for (int i = 0; i < route.size(); i++) {
      VirtualService.RouteDestination d = route.get(i);
      String dat = index(at, i);
      if (d.destination() == null) {
        f.error(field(dat, "destination"), "destination is required");
      }
      destination(d.destination(), field(dat, "destination"), f);
      if (d.weight() < 0) {
        f.error(field(dat, "weight"), "weight " + d.weight() + " < 0", ">= 0");
      }
      total += d.weight();
    }
    if (route.size() > 1 && total == 0) {
      f.error(at, "total destination weight = 0", "at least one positive weight");
    }
  }

  /** Istio's warnings for HTTP/TLS/TCP rules that can never match. */
  private static void unreachable(VirtualService vs, Findings f) {
    unreachable(vs.http(), "spec.http", HttpRoute::match, r -> r.name().isEmpty() ? null : r.name(),
        m -> ((HttpMatchRequest) m).name().isEmpty() ? m : withoutName((HttpMatchRequest) m), f);
    unreachable(vs.tls(), "spec.tls", VirtualService.TlsRoute::match, r -> null, m -> m, f);
    unreachable(vs.tcp(), "spec.tcp", VirtualService.TcpRoute::match, r -> null, m -> m, f);
  }

  private static HttpMatchRequest withoutName(HttpMatchRequest m) {
    return new HttpMatchRequest("", m.uri(), m.scheme(), m.method(), m.authority(), m.headers(), m.port(),
        m.sourceLabels(), m.gateways(), m.queryParams(), m.ignoreUriCase(), m.withoutHeaders(), m.sourceNamespace(),
        m.statPrefix());
  }

  private static <R> void unreachable(
      List<R> routes,
      String path,
      java.util.function.Function<R, List<?>> matchesOf,
      java.util.function.Function<R, String> nameOf,
      java.util.function.UnaryOperator<Object> normalize,
      Findings f) {
    Map<Object, Integer> seen = new HashMap<>();
    boolean emptySeen = false;
    for (int i = 0; i < routes.size(); i++) {
      R route = routes.get(i);
      List<?> matches = matchesOf.apply(route);
      String name = nameOf.apply(route) != null ? "\"" + nameOf.apply(route) + "\"" : "#" + i;
      if (matches.isEmpty()) {
        if (emptySeen) {
          f.warning(index(path, i), "virtualService rule " + name + " not used (only the last rule can have no matches)");
        }
        emptySeen = true;
        continue;
      }
      int duplicates = 0;
      for (int m = 0; m < matches.size(); m++) {
        Object normalized = normalize.apply(matches.get(m));
        Integer previous = seen.get(normalized);
        if (previous != null) {
          String prevName = nameOf.apply(routes.get(previous)) != null ? "\"" + nameOf.apply(routes.get(previous)) + "\"" : "#" + previous;
          f.warning(index(field(index(path, i), "match"), m),
              "virtualService rule " + name + " match #" + m + " is not used (duplicate/overlapping match in rule " + prevName + ")");
          duplicates++;
        } else {
          seen.put(normalized, i);
        }
      }
      if (duplicates == matches.size()) {
        f.warning(index(path, i), "virtualService rule " + name + " not used (all matches used by prior rules)");
      }
    }
  }
}
