package io.trellis.proxy.router;

import io.trellis.proxy.config.route.HeaderMutations;
import io.trellis.proxy.config.route.VirtualHostConfig;
import java.util.Map;

/** A virtual host compiled: its routes in order. */
public final class CompiledVirtualHost {
  private final VirtualHostConfig config;
  private final CompiledRoute[] routes;

  CompiledVirtualHost(VirtualHostConfig config) {
    this.config = config;
    this.routes = config.routes().stream().map(CompiledRoute::new).toArray(CompiledRoute[]::new);
  }

  public String name() {
    return config.name();
  }

  public HeaderMutations headers() {
    return config.headers();
  }

  public Object perFilterConfig(String filterName) {
    Map<String, Object> m = config.typedPerFilterConfig();
    return m.isEmpty() ? null : m.get(filterName);
  }

  /** The first route that matches, or {@code null}. */
  CompiledRoute route(RequestView request) {
    for (CompiledRoute r : routes) {
      if (r.matches(request)) {
        return r;
      }
    }
    return null;
  }
}
