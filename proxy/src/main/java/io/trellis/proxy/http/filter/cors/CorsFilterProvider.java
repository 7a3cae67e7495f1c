package io.trellis.proxy.http.filter.cors;

import io.trellis.proxy.http.filter.FilterContext;
import io.trellis.proxy.http.filter.HttpFilterFactory;
import io.trellis.proxy.http.filter.HttpFilterProvider;
import io.trellis.proxy.stats.Counter;

/** Registers the CORS filter under Envoy's type URL for its (empty) filter config, {@code Cors}. */
public final class CorsFilterProvider implements HttpFilterProvider {

  public static final String TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors";
  /** The per-route and per-virtual-host policy's type URL. */
  public static final String POLICY_TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy";

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public HttpFilterFactory factory(String filterName, Object typedConfig, FilterContext context) {
    if (typedConfig != null) {
      throw new IllegalArgumentException(
          "typed_config: " + typedConfig.getClass().getSimpleName() + " (expected: an empty Cors; policies belong to routes)");
    }
    String prefix = "http." + context.statPrefix() + ".";
    Stats stats = new Stats(context.stats().counter(prefix + "cors.origin_valid"), context.stats().counter(prefix + "cors.origin_invalid"));
    return callbacks -> new CorsFilter(filterName, callbacks, stats);
  }

  /** Envoy's CORS stats. */
  record Stats(Counter originValid, Counter originInvalid) {}
}
