package io.trellis.proxy.config.route;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Envoy's {@code route.v3.VirtualHost}. Domains are lower-cased; each is an exact host (with or without
 * {@code :port}), a {@code *.suffix} / {@code *-suffix}, a {@code prefix*}, or {@code *}. Routes are
 * tried in order; the first match wins.
 */
public record VirtualHostConfig(
    String name, List<String> domains, List<Route> routes, HeaderMutations headers, Map<String, Object> typedPerFilterConfig) {

  public VirtualHostConfig {
    Check.nonEmpty("virtual_host.name", name);
    domains = Check.list("virtual_hosts[" + name + "].domains", domains);
    if (domains.isEmpty()) {
      throw new IllegalArgumentException("virtual_hosts[" + name + "].domains: [] (expected: at least one domain)");
    }
    domains = domains.stream().map(d -> d.toLowerCase(Locale.ROOT)).toList();
    for (String d : domains) {
      int star = d.indexOf('*');
      if (d.isEmpty() || star >= 0 && !d.equals("*") && star != 0 && star != d.length() - 1
          || star >= 0 && d.indexOf('*', star + 1) >= 0) {
        throw new IllegalArgumentException(
            "virtual_hosts[" + name + "].domains: '" + d + "' (expected: host, *suffix, prefix* or *)");
      }
    }
    routes = Check.list("virtual_hosts[" + name + "].routes", routes);
    headers = headers == null ? HeaderMutations.NONE : headers;
    typedPerFilterConfig = typedPerFilterConfig == null ? Map.of() : Map.copyOf(typedPerFilterConfig);
  }

  public VirtualHostConfig(String name, List<String> domains, List<Route> routes) {
    this(name, domains, routes, HeaderMutations.NONE, Map.of());
  }

  public VirtualHostConfig withHeaders(HeaderMutations mutations) {
    return new VirtualHostConfig(name, domains, routes, mutations, typedPerFilterConfig);
  }

  static void checkUniqueDomains(String configName, List<VirtualHostConfig> hosts) {
    Set<String> seen = new HashSet<>();
    for (VirtualHostConfig vh : hosts) {
      for (String d : vh.domains()) {
        if (!seen.add(d)) {
          throw new IllegalArgumentException(
              "route_config[" + configName + "].virtual_hosts[" + vh.name() + "].domains: '" + d
                  + "' (expected: unique across virtual hosts)");
        }
      }
    }
  }
}
