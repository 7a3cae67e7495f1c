package io.trellis.proxy.server;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.trellis.proxy.xds.RejectedUpdate;
import io.trellis.proxy.xds.ResourceEntry;
import io.trellis.proxy.xds.TypeState;
import io.trellis.proxy.xds.VirtualHostResource;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How a route configuration with {@code vhds} appears in {@code /config_dump}: as Envoy shows it, with
 * the VHDS virtual hosts held under its name put back into {@code virtual_hosts}, the version and
 * {@code last_updated} of whichever part (the RDS resource or one of its virtual hosts) changed last,
 * and the last VHDS NACK that named one of its virtual hosts as its {@code error_state} when RDS has none.
 */
final class VhdsDumps {
  private VhdsDumps() {}

  static RoutesConfigDump.DynamicRouteConfig.Builder merged(ResourceEntry<?> route, TypeState virtualHosts) {
    var out =
        RoutesConfigDump.DynamicRouteConfig.newBuilder()
            .setVersionInfo(route.version())
            .setRouteConfig(route.proto())
            .setLastUpdated(ConfigDumps.timestamp(route.lastUpdated()));
    TreeMap<String, ResourceEntry<?>> under = new TreeMap<>();
    virtualHosts.resources().forEach((name, entry) -> {
      if (route.name().equals(VirtualHostResource.routeConfigName(name))) {
        under.put(name, entry);
      }
    });
    if (under.isEmpty()) {
      return out;
    }
    RouteConfiguration.Builder config = unpack(route.proto(), RouteConfiguration.class).toBuilder();
    ResourceEntry<?> newest = route;
    for (ResourceEntry<?> host : under.values()) {
      config.addVirtualHosts(unpack(host.proto(), VirtualHost.class));
      if (host.lastUpdated().isAfter(newest.lastUpdated())) {
        newest = host;
      }
    }
    return out.setRouteConfig(Any.pack(config.build()))
        .setVersionInfo(newest.version())
        .setLastUpdated(ConfigDumps.timestamp(newest.lastUpdated()));
  }

  /** The last VHDS rejection and the first failed virtual host of it under {@code routeName}, if any. */
  static Optional<Map.Entry<RejectedUpdate, Any>> rejectedUnder(String routeName, RejectedUpdate rejection) {
    if (rejection == null) {
      return Optional.empty();
    }
    return new TreeMap<>(rejection.failedResources())
        .entrySet().stream()
            .filter(e -> routeName.equals(VirtualHostResource.routeConfigName(e.getKey())))
            .findFirst()
            .map(e -> Map.entry(rejection, e.getValue()));
  }

  private static <M extends com.google.protobuf.Message> M unpack(Any any, Class<M> type) {
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      // Accepted resources were decoded when they arrived; one that no longer decodes cannot happen.
      throw new IllegalStateException(e);
    }
  }
}
