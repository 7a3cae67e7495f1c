package io.trellis.proxy.server;

import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.xds.VirtualHostResource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The route table in force for a route configuration with {@code vhds}: its own (inline) virtual
 * hosts followed by the VHDS virtual hosts held under its name, in resource-name order. Pure: the
 * sequencer checks a VHDS or RDS update with it before accepting it, and builds what it applies.
 */
public final class VhdsMerge {
  private VhdsMerge() {}

  /** The merged configurations, or every clash (a repeated name or domain) that prevents a merge. */
  public record Result(Map<String, RouteConfig> routes, List<String> errors) {
    public Result {
      routes = Map.copyOf(routes);
      errors = List.copyOf(errors);
    }
  }

  /**
   * Merges {@code virtualHosts} (VHDS resources by resource name, {@code <route config>/<host>}) into
   * each route configuration of {@code routes} that has {@code vhds}; a configuration without it is
   * returned unchanged, and a virtual host under no such configuration is left out.
   */
  public static Result merge(Map<String, RouteConfig> routes, Map<String, VirtualHostConfig> virtualHosts) {
    Map<String, List<VirtualHostConfig>> byRouteConfig = new LinkedHashMap<>();
    new TreeMap<>(virtualHosts)
        .forEach(
            (resourceName, host) -> {
              String owner = VirtualHostResource.routeConfigName(resourceName);
              if (owner != null) {
                byRouteConfig.computeIfAbsent(owner, k -> new ArrayList<>()).add(host);
              }
            });
    Map<String, RouteConfig> out = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    routes.forEach(
        (name, config) -> {
          if (!config.vhds()) {
            out.put(name, config);
            return;
          }
          try {
            out.put(name, config.withVirtualHosts(byRouteConfig.getOrDefault(name, List.of())));
          } catch (IllegalArgumentException clash) {
            errors.add("RouteConfiguration [" + name + "] with its VHDS virtual hosts: " + clash.getMessage());
          }
        });
    return new Result(out, errors);
  }
}
