/**
 * Envoy's CORS filter ({@code envoy.filters.http.cors}): answers browsers' preflight requests and
 * adds the {@code access-control-*} response headers, from the CORS policy of the request's route
 * or virtual host. Istio's VirtualService {@code corsPolicy} compiles to that per-route policy; the
 * filter itself carries no configuration.
 */
package io.trellis.proxy.http.filter.cors;
