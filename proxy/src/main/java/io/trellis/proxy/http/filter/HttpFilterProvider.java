package io.trellis.proxy.http.filter;

/** Knows one filter implementation by its typed config's type URL. */
public interface HttpFilterProvider {

  String typeUrl();

  /**
   * Compiles a filter's typed config (as the xDS layer converted it) into a factory, throwing
   * {@link IllegalArgumentException} with {@code "field: value (expected: …)"} when it is invalid.
   */
  HttpFilterFactory factory(String filterName, Object typedConfig, FilterContext context);
}
