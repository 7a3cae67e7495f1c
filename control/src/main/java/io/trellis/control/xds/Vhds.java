package io.trellis.control.xds;

import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Envoy's Virtual Host Discovery Service as Trellis serves it (the wire contract in {@code
 * vhds-contract.md}): on a delta stream a route configuration is sent without its virtual hosts and
 * with {@code vhds} pointing at ADS, and each virtual host is a resource of its own named {@code
 * ROUTE_CONFIGURATION/VIRTUAL_HOST}. A change to one service then re-sends one small virtual host
 * instead of a route configuration holding a thousand of them.
 *
 * <p>The message's own {@code name} is the resource name too: Envoy keys the virtual hosts it holds
 * by the message's name and removes them by resource name, so the two must agree. Route
 * configuration names may contain {@code /}, virtual host names may not, so a name splits at its
 * last {@code /}.
 */
public final class Vhds {
  private static final io.envoyproxy.envoy.config.route.v3.Vhds OVER_ADS =
      io.envoyproxy.envoy.config.route.v3.Vhds.newBuilder()
          .setConfigSource(
              ConfigSource.newBuilder()
                  .setAds(AggregatedConfigSource.getDefaultInstance())
                  .setResourceApiVersion(ApiVersion.V3))
          .build();

  private Vhds() {}

  /**
   * A route configuration split for VHDS.
   *
   * @param routes the route configuration as RDS carries it: no virtual hosts, {@code vhds} set
   * @param virtualHosts its virtual hosts in their original order, each renamed to its resource name
   */
  public record Split(RouteConfiguration routes, List<VirtualHost> virtualHosts) {
    public Split {
      virtualHosts = List.copyOf(virtualHosts);
    }
  }

  /** The VHDS resource name of virtual host {@code virtualHost} of route configuration {@code routes}. */
  public static String resourceName(String routes, String virtualHost) {
    return routes + "/" + virtualHost;
  }

  /**
   * The route configuration (the namespace a client subscribes to) a VHDS resource name belongs
   * to: everything before its last {@code /}; {@code ""} when it has none.
   */
  public static String namespaceOf(String resourceName) {
    int slash = resourceName.lastIndexOf('/');
    return slash < 0 ? "" : resourceName.substring(0, slash);
  }

  /** The virtual host's own name in a VHDS resource name: everything after its last {@code /}. */
  static String virtualHostOf(String resourceName) {
    return resourceName.substring(resourceName.lastIndexOf('/') + 1);
  }

  /**
   * How a delta stream gets {@code rc}; empty when it stays inline: it has no virtual hosts, already
   * names a {@code vhds} of its own, or a virtual host whose name is empty, contains {@code /} or
   * repeats (its resource name would be ambiguous).
   */
  public static Optional<Split> of(RouteConfiguration rc) {
    if (rc.getVirtualHostsCount() == 0 || rc.hasVhds()) {
      return Optional.empty();
    }
    Set<String> seen = new HashSet<>();
    List<VirtualHost> hosts = new ArrayList<>(rc.getVirtualHostsCount());
    for (VirtualHost vh : rc.getVirtualHostsList()) {
      if (vh.getName().isEmpty() || vh.getName().indexOf('/') >= 0 || !seen.add(vh.getName())) {
        return Optional.empty();
      }
      hosts.add(vh.toBuilder().setName(resourceName(rc.getName(), vh.getName())).build());
    }
    return Optional.of(new Split(rc.toBuilder().clearVirtualHosts().setVhds(OVER_ADS).build(), hosts));
  }

  /**
   * {@code in} as a delta stream gets it: every route configuration that {@code splitter} splits is
   * replaced by its VHDS form and its virtual hosts become {@link XdsType#VIRTUAL_HOST} resources,
   * made by {@code factory} (which lets translation serialize each message once). Every other type
   * keeps {@code in}'s very maps; {@code in} itself comes back when nothing splits.
   */
  public static XdsResources apply(
      XdsResources in, XdsResources.ResourceFactory factory, Function<RouteConfiguration, Optional<Split>> splitter) {
    Map<String, XdsResources.Resource> routes = in.ofType(XdsType.ROUTE);
    Map<String, XdsResources.Resource> outRoutes = new TreeMap<>();
    Map<String, XdsResources.Resource> hosts = new TreeMap<>(in.ofType(XdsType.VIRTUAL_HOST));
    boolean split = false;
    for (XdsResources.Resource r : routes.values()) {
      Optional<Split> s = splitter.apply((RouteConfiguration) r.message());
      if (s.isEmpty()) {
        outRoutes.put(r.name(), r);
        continue;
      }
      split = true;
      outRoutes.put(r.name(), factory.resource(XdsType.ROUTE.typeUrl(), r.name(), s.get().routes()));
      for (VirtualHost vh : s.get().virtualHosts()) {
        hosts.put(vh.getName(), factory.resource(XdsType.VIRTUAL_HOST.typeUrl(), vh.getName(), vh));
      }
    }
    if (!split) {
      return in;
    }
    return in.withTypes(
        Map.of(
            XdsType.ROUTE.typeUrl(), Collections.unmodifiableMap(outRoutes),
            XdsType.VIRTUAL_HOST.typeUrl(), Collections.unmodifiableMap(hosts)));
  }

  /**
   * {@code rc} as the proxy has it in force, for debug views (Envoy's config_dump does the same):
   * when it uses VHDS, its inline virtual hosts plus those of {@code held} (VHDS resources) under
   * its name, with their own names and without {@code vhds}, so it reads like the inline form a
   * state-of-the-world proxy gets. VHDS virtual hosts come in name order, any whose only domain
   * is {@code *} (the catch-all) last, as generation orders them.
   */
  public static RouteConfiguration merged(RouteConfiguration rc, Collection<VirtualHost> held) {
    if (!rc.hasVhds()) {
      return rc;
    }
    List<VirtualHost> mine = new ArrayList<>();
    for (VirtualHost vh : held) {
      if (namespaceOf(vh.getName()).equals(rc.getName())) {
        mine.add(vh);
      }
    }
    mine.sort(
        java.util.Comparator.comparing((VirtualHost vh) -> vh.getDomainsList().equals(List.of("*")))
            .thenComparing(VirtualHost::getName));
    RouteConfiguration.Builder b = rc.toBuilder().clearVhds();
    for (VirtualHost vh : mine) {
      b.addVirtualHosts(vh.toBuilder().setName(virtualHostOf(vh.getName())));
    }
    return b.build();
  }
}
