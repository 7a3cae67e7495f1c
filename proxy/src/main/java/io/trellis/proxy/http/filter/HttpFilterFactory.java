package io.trellis.proxy.http.filter;

/** Creates one filter instance per request; compiled once per configuration from the typed config. */
@FunctionalInterface
public interface HttpFilterFactory {
  HttpFilter create(HttpFilterCallbacks callbacks);
}
