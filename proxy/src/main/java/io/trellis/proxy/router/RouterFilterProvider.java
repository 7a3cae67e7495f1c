package io.trellis.proxy.router;

import io.trellis.proxy.config.listener.HttpFilterConfig;
import io.trellis.proxy.config.listener.RouterFilterConfig;
import io.trellis.proxy.http.filter.FilterContext;
import io.trellis.proxy.http.filter.HttpFilterFactory;
import io.trellis.proxy.http.filter.HttpFilterProvider;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Registers the router ({@code envoy.extensions.filters.http.router.v3.Router}) with the filter registry. */
public final class RouterFilterProvider implements HttpFilterProvider {
  private final Map<io.trellis.proxy.stats.StatsStore, ClusterStats.Cache> caches = new ConcurrentHashMap<>();

  @Override
  public String typeUrl() {
    return HttpFilterConfig.ROUTER_TYPE_URL;
  }

  @Override
  public HttpFilterFactory factory(String filterName, Object typedConfig, FilterContext context) {
    RouterFilterConfig config;
    if (typedConfig == null) {
      config = RouterFilterConfig.DEFAULTS;
    } else if (typedConfig instanceof RouterFilterConfig c) {
      config = c;
    } else {
      throw new IllegalArgumentException(
          "typed_config: " + typedConfig.getClass().getSimpleName() + " (expected: RouterFilterConfig)");
    }
    ClusterStats.Cache cache = caches.computeIfAbsent(context.stats(), ClusterStats.Cache::new);
    RouterSettings settings = new RouterSettings(config, context, cache);
    return callbacks -> new RouterFilter(settings, callbacks);
  }

  /** What every router instance of one configuration shares. */
  record RouterSettings(RouterFilterConfig config, FilterContext context, ClusterStats.Cache clusterStats) {}
}
