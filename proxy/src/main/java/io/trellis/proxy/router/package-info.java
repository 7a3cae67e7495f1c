/**
 * The router: the last HTTP filter. It compiles a {@code RouteConfig} once into an immutable
 * {@link io.trellis.proxy.router.RouteTable} (virtual hosts by domain precedence, routes by match),
 * and per request picks the route, applies its action, and forwards through one
 * {@link io.trellis.proxy.router.UpstreamRequest} per attempt. Resilience wraps attempts without
 * touching matching: {@code RetryState} decides whether a failed attempt is tried again (and where,
 * and after what back-off), {@code BodyBuffer} keeps the body for the replay, and
 * {@code ShadowRequest} mirrors a request fire-and-forget. A request whose route asks for none of
 * these pays for none of them.
 */
package io.trellis.proxy.router;
