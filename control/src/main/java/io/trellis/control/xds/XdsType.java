package io.trellis.control.xds;

import java.util.Optional;

/**
 * The xDS resource types the server pushes, in the order it pushes them. Envoy's make-before-break
 * rule: a cluster must exist before a route names it and its endpoints must arrive before traffic
 * is sent to it, so clusters go first, then endpoints, then listeners, then the routes listeners
 * reference, then the virtual hosts those route configurations get over VHDS. The enum's
 * declaration order IS that push order.
 */
public enum XdsType {
  CLUSTER("type.googleapis.com/envoy.config.cluster.v3.Cluster", "CDS", true),
  ENDPOINT("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", "EDS", false),
  LISTENER("type.googleapis.com/envoy.config.listener.v3.Listener", "LDS", true),
  ROUTE("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "RDS", false),
  /**
   * Envoy's Virtual Host Discovery Service: the virtual hosts of a route configuration, one
   * resource each, so a change to one service re-sends one virtual host instead of the whole route
   * configuration. Delta streams only; see {@link Vhds}.
   */
  VIRTUAL_HOST("type.googleapis.com/envoy.config.route.v3.VirtualHost", "VHDS", false);

  private final String typeUrl;
  private final String shortName;
  private final boolean wildcard;

  XdsType(String typeUrl, String shortName, boolean wildcard) {
    this.typeUrl = typeUrl;
    this.shortName = shortName;
    this.wildcard = wildcard;
  }

  /** {@code type.googleapis.com/envoy.config.cluster.v3.Cluster} and so on. */
  public String typeUrl() {
    return typeUrl;
  }

  /** CDS, EDS, LDS, RDS, VHDS: the names operators know. */
  public String shortName() {
    return shortName;
  }

  /**
   * Whether clients subscribe to every resource of this type (CDS, LDS) rather than naming the ones
   * they want (EDS, RDS). It also decides the state-of-the-world rule: a wildcard type's response
   * carries the whole set (a missing resource means deleted), a named type's response may carry
   * only the resources that changed.
   */
  public boolean wildcard() {
    return wildcard;
  }

  /**
   * Whether a subscribed name is a namespace: VHDS clients subscribe to a route configuration's
   * name and get every virtual host named {@code NAME/…} (Envoy's namespace matching), not a
   * resource called NAME.
   */
  public boolean namespaced() {
    return this == VIRTUAL_HOST;
  }

  /** Whether only delta streams carry this type (VHDS), so a state-of-the-world stream never has it. */
  public boolean deltaOnly() {
    return this == VIRTUAL_HOST;
  }

  public static Optional<XdsType> fromTypeUrl(String typeUrl) {
    for (XdsType t : values()) {
      if (t.typeUrl.equals(typeUrl)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
