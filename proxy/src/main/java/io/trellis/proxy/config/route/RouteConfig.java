package io.trellis.proxy.config.route;

import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's {@code route.v3.RouteConfiguration}: virtual hosts (domains unique across them, as Envoy
 * requires) and header mutations applied to every route.
 *
 * @param vhds whether more virtual hosts come over VHDS (the configuration's {@code vhds} field): the
 *     table in force is then this one with the VHDS virtual hosts added ({@link #withVirtualHosts})
 */
public record RouteConfig(String name, List<VirtualHostConfig> virtualHosts, HeaderMutations headers, boolean vhds) {
  public RouteConfig {
    name = name == null ? "" : name;
    virtualHosts = Check.list("route_config[" + name + "].virtual_hosts", virtualHosts);
    VirtualHostConfig.checkUniqueDomains(name, virtualHosts);
    headers = headers == null ? HeaderMutations.NONE : headers;
  }

  public RouteConfig(String name, List<VirtualHostConfig> virtualHosts, HeaderMutations headers) {
    this(name, virtualHosts, headers, false);
  }

  public RouteConfig(String name, List<VirtualHostConfig> virtualHosts) {
    this(name, virtualHosts, HeaderMutations.NONE, false);
  }

  /**
   * This configuration with {@code more} virtual hosts after its own (VHDS's merge). Throws
   * {@link IllegalArgumentException} naming the clash when a name or a domain is not unique.
   */
  public RouteConfig withVirtualHosts(List<VirtualHostConfig> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<VirtualHostConfig> all = new ArrayList<>(virtualHosts);
    java.util.Set<String> names = new java.util.HashSet<>();
    virtualHosts.forEach(vh -> names.add(vh.name()));
    for (VirtualHostConfig vh : more) {
      if (!names.add(vh.name())) {
        throw new IllegalArgumentException(
            "route_config[" + name + "].virtual_hosts[" + vh.name() + "]: name '" + vh.name() + "' (expected: unique across virtual hosts)");
      }
      all.add(vh);
    }
    return new RouteConfig(name, all, headers, vhds);
  }
}
