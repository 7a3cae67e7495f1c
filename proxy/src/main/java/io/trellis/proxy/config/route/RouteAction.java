package io.trellis.proxy.config.route;

/**
 * What a matched route does: forward to a cluster ({@link ForwardAction}, Envoy's {@code route}),
 * answer with a redirect ({@link RedirectAction}) or answer directly ({@link DirectResponseAction}).
 */
public sealed interface RouteAction permits ForwardAction, RedirectAction, DirectResponseAction {}
