/**
 * The router: the last HTTP filter. It compiles a {@code RouteConfig} once into an immutable
 * {@link io.trellis.proxy.router.RouteTable} (virtual hosts by domain precedence, routes by match),
 * and per request picks the route, applies its action, and forwards through one
 * {@link io.trellis.proxy.router.UpstreamRequest} per attempt, so retries can later wrap attempts
 * without touching matching.
 */
package io.trellis.proxy.router;
