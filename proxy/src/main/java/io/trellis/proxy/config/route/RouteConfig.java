package io.trellis.proxy.config.route;

import java.util.List;

/**
 * Envoy's {@code route.v3.RouteConfiguration}: virtual hosts (domains unique across them, as Envoy
 * requires) and header mutations applied to every route.
 */
public record RouteConfig(String name, List<VirtualHostConfig> virtualHosts, HeaderMutations headers) {
  public RouteConfig {
    name = name == null ? "" : name;
    virtualHosts = Check.list("route_config[" + name + "].virtual_hosts", virtualHosts);
    VirtualHostConfig.checkUniqueDomains(name, virtualHosts);
    headers = headers == null ? HeaderMutations.NONE : headers;
  }

  public RouteConfig(String name, List<VirtualHostConfig> virtualHosts) {
    this(name, virtualHosts, HeaderMutations.NONE);
  }
}
