package io.trellis.proxy.http.filter;

import io.trellis.proxy.config.listener.HttpFilterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Filter implementations by type URL. An unknown type URL is a configuration error unless the filter
 * is marked optional (Envoy's {@code is_optional}), in which case the filter is skipped.
 */
public final class HttpFilterRegistry {
  private final Map<String, HttpFilterProvider> providers = new ConcurrentHashMap<>();

  public HttpFilterRegistry register(HttpFilterProvider provider) {
    HttpFilterProvider previous = providers.putIfAbsent(provider.typeUrl(), provider);
    if (previous != null) {
      throw new IllegalArgumentException("http filter type URL: " + provider.typeUrl() + " (expected: registered once)");
    }
    return this;
  }

  public boolean knows(String typeUrl) {
    return providers.containsKey(typeUrl);
  }

  /** Compiles the configured filters, in order, into factories. */
  public List<HttpFilterFactory> compile(String at, List<HttpFilterConfig> filters, FilterContext context) {
    List<HttpFilterFactory> out = new ArrayList<>(filters.size());
    for (int i = 0; i < filters.size(); i++) {
      HttpFilterConfig f = filters.get(i);
      HttpFilterProvider p = providers.get(f.typeUrl());
      if (p == null) {
        if (f.optional()) {
          continue;
        }
        throw new IllegalArgumentException(
            at + ".http_filters[" + i + "] " + f.name() + ": type URL " + f.typeUrl()
                + " (expected: one of " + providers.keySet().stream().sorted().toList() + ", or is_optional)");
      }
      try {
        out.add(p.factory(f.name(), f.typedConfig(), context));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ".http_filters[" + i + "] " + f.name() + ": " + e.getMessage(), e);
      }
    }
    return List.copyOf(out);
  }
}
