package io.trellis.proxy.router;

import io.trellis.proxy.config.route.HeaderMutations;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.VirtualHostConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link RouteConfig} compiled into an immutable lookup structure. Virtual hosts are chosen by
 * the request's authority (lower-cased, port included) in Envoy's order: exact domain, then the
 * longest {@code *suffix} wildcard, then the longest {@code prefix*} wildcard, then {@code *}. A
 * wildcard never matches an empty remainder.
 */
public final class RouteTable {
  /** A table with no virtual hosts: every request gets 404 NR. */
  public static final RouteTable EMPTY = compile(new RouteConfig("", List.of()));

  private final RouteConfig config;
  private final Map<String, CompiledVirtualHost> exact;
  private final String[] suffixes;
  private final CompiledVirtualHost[] suffixHosts;
  private final String[] prefixes;
  private final CompiledVirtualHost[] prefixHosts;
  private final CompiledVirtualHost any;

  private RouteTable(RouteConfig config) {
    this.config = config;
    Map<String, CompiledVirtualHost> exactMap = new HashMap<>();
    List<Map.Entry<String, CompiledVirtualHost>> suffixList = new ArrayList<>();
    List<Map.Entry<String, CompiledVirtualHost>> prefixList = new ArrayList<>();
    CompiledVirtualHost star = null;
    for (VirtualHostConfig vh : config.virtualHosts()) {
      CompiledVirtualHost compiled = new CompiledVirtualHost(vh);
      for (String d : vh.domains()) {
        if (d.equals("*")) {
          star = compiled;
        } else if (d.startsWith("*")) {
          suffixList.add(Map.entry(d.substring(1), compiled));
        } else if (d.endsWith("*")) {
          prefixList.add(Map.entry(d.substring(0, d.length() - 1), compiled));
        } else {
          exactMap.put(d, compiled);
        }
      }
    }
    Comparator<Map.Entry<String, CompiledVirtualHost>> longestFirst =
        Comparator.comparingInt((Map.Entry<String, CompiledVirtualHost> e) -> e.getKey().length()).reversed();
    suffixList.sort(longestFirst);
    prefixList.sort(longestFirst);
    this.exact = Map.copyOf(exactMap);
    this.suffixes = suffixList.stream().map(Map.Entry::getKey).toArray(String[]::new);
    this.suffixHosts = suffixList.stream().map(Map.Entry::getValue).toArray(CompiledVirtualHost[]::new);
    this.prefixes = prefixList.stream().map(Map.Entry::getKey).toArray(String[]::new);
    this.prefixHosts = prefixList.stream().map(Map.Entry::getValue).toArray(CompiledVirtualHost[]::new);
    this.any = star;
  }

  /** Compiles a route configuration; the records are already valid, so this does not fail. */
  public static RouteTable compile(RouteConfig config) {
    return new RouteTable(config);
  }

  public String name() {
    return config.name();
  }

  public RouteConfig config() {
    return config;
  }

  public HeaderMutations headers() {
    return config.headers();
  }

  /** The virtual host for an authority, or {@code null}. */
  public CompiledVirtualHost virtualHost(String authority) {
    String host = authority.toLowerCase(Locale.ROOT);
    CompiledVirtualHost vh = exact.get(host);
    if (vh != null) {
      return vh;
    }
    for (int i = 0; i < suffixes.length; i++) {
      if (host.length() > suffixes[i].length() && host.endsWith(suffixes[i])) {
        return suffixHosts[i];
      }
    }
    for (int i = 0; i < prefixes.length; i++) {
      if (host.length() > prefixes[i].length() && host.startsWith(prefixes[i])) {
        return prefixHosts[i];
      }
    }
    return any;
  }

  /** The route for a request, or {@code null} (404 NR). */
  public SelectedRoute route(RequestView request) {
    CompiledVirtualHost vh = virtualHost(request.authority());
    if (vh == null) {
      return null;
    }
    CompiledRoute r = vh.route(request);
    return r == null ? null : new SelectedRoute(this, vh, r);
  }
}
