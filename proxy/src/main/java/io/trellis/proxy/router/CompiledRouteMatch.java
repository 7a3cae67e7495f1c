package io.trellis.proxy.router;

import com.google.re2j.Pattern;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.trellis.proxy.config.route.HeaderMatcher;
import io.trellis.proxy.config.route.PathMatch;
import io.trellis.proxy.config.route.QueryParameterMatcher;
import io.trellis.proxy.config.route.RouteMatch;
import java.util.List;

/** A {@link RouteMatch} ready to run against a {@link RequestView}. */
final class CompiledRouteMatch {
  private final PathMatch path;
  private final boolean caseSensitive;
  private final Pattern regex;
  private final CompiledHeaderMatcher[] headers;
  private final String[] queryNames;
  private final CompiledStringMatcher[] queryMatchers;
  private final boolean grpc;

  CompiledRouteMatch(RouteMatch config) {
    this.path = config.path();
    this.caseSensitive = config.caseSensitive();
    this.regex = path instanceof PathMatch.SafeRegex r ? Pattern.compile(r.regex()) : null;
    List<HeaderMatcher> h = config.headers();
    this.headers = h.stream().map(CompiledHeaderMatcher::new).toArray(CompiledHeaderMatcher[]::new);
    List<QueryParameterMatcher> q = config.queryParameters();
    this.queryNames = q.stream().map(QueryParameterMatcher::name).toArray(String[]::new);
    this.queryMatchers = q.stream()
        .map(m -> m.stringMatch() == null ? null : new CompiledStringMatcher(m.stringMatch()))
        .toArray(CompiledStringMatcher[]::new);
    this.grpc = config.grpc();
  }

  boolean matches(RequestView request) {
    boolean connect = request.request().method().equals(io.netty.handler.codec.http.HttpMethod.CONNECT);
    if (path instanceof PathMatch.Connect ? !connect : connect || !pathMatches(request.path())) {
      return false;
    }
    if (grpc) {
      String ct = request.request().headers().get(HttpHeaderNames.CONTENT_TYPE);
      if (ct == null || !ct.startsWith("application/grpc")) {
        return false;
      }
    }
    for (CompiledHeaderMatcher m : headers) {
      if (!m.matches(request)) {
        return false;
      }
    }
    for (int i = 0; i < queryNames.length; i++) {
      String v = request.queryParameter(queryNames[i]);
      if (v == null || queryMatchers[i] != null && !queryMatchers[i].matches(v)) {
        return false;
      }
    }
    return true;
  }

  private boolean pathMatches(String p) {
    return switch (path) {
      case PathMatch.Prefix pre -> p.regionMatches(!caseSensitive, 0, pre.prefix(), 0, pre.prefix().length());
      case PathMatch.Path exact -> caseSensitive ? p.equals(exact.path()) : p.equalsIgnoreCase(exact.path());
      case PathMatch.SafeRegex r -> regex.matches(p);
      case PathMatch.PathSeparatedPrefix sep -> {
        String pre = sep.prefix();
        yield p.regionMatches(!caseSensitive, 0, pre, 0, pre.length())
            && (p.length() == pre.length() || p.charAt(pre.length()) == '/');
      }
      case PathMatch.Connect c -> false;
    };
  }

  /** The length of the path prefix this match consumed (for prefix_rewrite), or -1 for "the whole path". */
  int matchedPrefixLength() {
    return switch (path) {
      case PathMatch.Prefix pre -> pre.prefix().length();
      case PathMatch.PathSeparatedPrefix sep -> sep.prefix().length();
      case PathMatch.Path exact -> exact.path().length();
      case PathMatch.SafeRegex r -> -1;
      case PathMatch.Connect c -> 0;
    };
  }
}
