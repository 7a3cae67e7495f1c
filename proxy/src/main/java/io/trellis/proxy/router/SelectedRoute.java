package io.trellis.proxy.router;

/** The route chosen for one request, with the virtual host and table it came from (for header mutations). */
public record SelectedRoute(RouteTable table, CompiledVirtualHost virtualHost, CompiledRoute route) {}
