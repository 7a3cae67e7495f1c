package io.trellis.proxy.config.route;

import java.util.Map;

/**
 * Envoy's {@code route.v3.Route}: a match, an action, header mutations at route level, and
 * per-filter configuration by filter name ({@code typed_per_filter_config}, already converted by the
 * xDS layer into the filter's own config type).
 */
public record Route(
    String name, RouteMatch match, RouteAction action, HeaderMutations headers, Map<String, Object> typedPerFilterConfig) {

  public Route {
    name = name == null ? "" : name;
    Check.notNull("route.match", match);
    Check.notNull("route.action", action);
    headers = headers == null ? HeaderMutations.NONE : headers;
    typedPerFilterConfig = typedPerFilterConfig == null ? Map.of() : Map.copyOf(typedPerFilterConfig);
  }

  public Route(String name, RouteMatch match, RouteAction action) {
    this(name, match, action, HeaderMutations.NONE, Map.of());
  }

  public Route withHeaders(HeaderMutations mutations) {
    return new Route(name, match, action, mutations, typedPerFilterConfig);
  }
}
