/**
 * Envoy's fault injection filter ({@code envoy.filters.http.fault}): delays and aborts injected into
 * a chosen share of requests, so that resilience — timeouts, retries, fallbacks — can be tested in a
 * running system. Istio's VirtualService {@code fault} compiles to this filter's per-route config.
 *
 * <p>The decision is made once per request, at its headers: first a delay (the request is held, then
 * continues), then an abort (a local reply instead of the upstream). Delays are timers on the
 * request's event loop, never a blocked thread.
 */
package io.trellis.proxy.http.filter.fault;
