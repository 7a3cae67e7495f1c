package io.trellis.proxy.router;

import io.netty.handler.codec.http.HttpRequest;
import io.trellis.proxy.config.route.HeaderMatcher;
import java.util.List;

/**
 * A list of header matchers compiled once, for filters that match request headers with the route
 * table's semantics (the fault filter's {@code headers}); all must match.
 */
public final class RequestHeaderMatchers {
  public static final RequestHeaderMatchers NONE = new RequestHeaderMatchers(List.of());

  private final CompiledHeaderMatcher[] matchers;

  private RequestHeaderMatchers(List<HeaderMatcher> config) {
    this.matchers = config.stream().map(CompiledHeaderMatcher::new).toArray(CompiledHeaderMatcher[]::new);
  }

  public static RequestHeaderMatchers compile(List<HeaderMatcher> config) {
    return config.isEmpty() ? NONE : new RequestHeaderMatchers(config);
  }

  public boolean matches(HttpRequest request) {
    if (matchers.length == 0) {
      return true;
    }
    RequestView view = new RequestView(request, "http");
    for (CompiledHeaderMatcher m : matchers) {
      if (!m.matches(view)) {
        return false;
      }
    }
    return true;
  }
}
