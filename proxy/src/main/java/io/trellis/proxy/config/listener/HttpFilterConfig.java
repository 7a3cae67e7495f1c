package io.trellis.proxy.config.listener;

/**
 * One entry of {@code http_filters}: the filter's name, the type URL of its typed config (which
 * selects the implementation), and that config already converted by the xDS layer into the type the
 * filter's factory accepts ({@code null} when the filter takes none). An {@code optional} filter whose
 * type URL is unknown is skipped, as with Envoy's {@code is_optional}; otherwise it is a config error.
 */
public record HttpFilterConfig(String name, String typeUrl, Object typedConfig, boolean optional) {

  /** The router filter's type URL; the router is always the last filter. */
  public static final String ROUTER_TYPE_URL = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router";

  public HttpFilterConfig {
    Check.nonEmpty("http_filters.name", name);
    Check.nonEmpty("http_filters[" + name + "].typed_config.type_url", typeUrl);
  }

  public static HttpFilterConfig router() {
    return new HttpFilterConfig("envoy.filters.http.router", ROUTER_TYPE_URL, RouterFilterConfig.DEFAULTS, false);
  }
}
