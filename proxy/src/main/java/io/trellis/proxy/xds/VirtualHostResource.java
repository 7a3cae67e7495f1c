package io.trellis.proxy.xds;

import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.trellis.proxy.config.route.VirtualHostConfig;

/**
 * VHDS: one {@code VirtualHost} of a route configuration whose {@code vhds} field asks for them,
 * over delta ADS only. A resource is named {@code <route configuration name>/<virtual host name>}
 * (the message's own {@code name} is that same string) and the proxy subscribes by route
 * configuration name, which covers every resource under it ({@link #namespaced()}, Envoy's namespace
 * subscription). Route configuration names may contain {@code /}; virtual host names may not, so a
 * name splits at its last {@code /}.
 */
public final class VirtualHostResource implements XdsResourceType<VirtualHost, VirtualHostConfig> {
  public static final VirtualHostResource INSTANCE = new VirtualHostResource();
  public static final String TYPE_URL = "type.googleapis.com/envoy.config.route.v3.VirtualHost";

  /** Why a route configuration with {@code vhds} is refused anywhere but on a delta ADS stream. */
  public static final String DELTA_ONLY = "vhds requires the delta xDS protocol (ADS with api_type DELTA_GRPC)";

  private VirtualHostResource() {}

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public String shortName() {
    return "VHDS";
  }

  @Override
  public String kind() {
    return "VirtualHost";
  }

  @Override
  public Class<VirtualHost> protoClass() {
    return VirtualHost.class;
  }

  @Override
  public boolean allResourcesInEachResponse() {
    return false;
  }

  @Override
  public boolean namespaced() {
    return true;
  }

  @Override
  public String name(VirtualHost proto) {
    return proto.getName();
  }

  @Override
  public VirtualHostConfig parse(VirtualHost proto, ValidationErrors errors) {
    if (routeConfigName(proto.getName()) == null) {
      errors.at("name").add("'" + proto.getName() + "' (expected: <route configuration name>/<virtual host name>)");
      return null;
    }
    return RouteConfigurationResource.virtualHost(proto, errors);
  }

  /**
   * The route configuration a VHDS resource name belongs to: everything before its last {@code /};
   * {@code null} when there is no {@code /} or either side is empty.
   */
  public static String routeConfigName(String resourceName) {
    int slash = resourceName.lastIndexOf('/');
    if (slash <= 0 || slash == resourceName.length() - 1) {
      return null;
    }
    return resourceName.substring(0, slash);
  }
}
