package io.trellis.control.xds;

import java.util.Optional;

/**
 * The xDS resource types the server pushes, in the order it pushes them. Envoy's make-before-break
 * rule: a cluster must exist before a route names it and its endpoints must arrive before traffic
 * is sent to it, so clusters go first, then endpoints, then listeners, then the routes listeners
 * reference. The enum's declaration order IS that push order.
 */
public enum XdsType {
  CLUSTER("type.googleapis.com/envoy.config.cluster.v3.Cluster", "CDS", true),
  ENDPOINT("type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment", "EDS", false),
  LISTENER("type.googleapis.com/envoy.config.listener.v3.Listener", "LDS", true),
  ROUTE("type.googleapis.com/envoy.config.route.v3.RouteConfiguration", "RDS", false);

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

  /** CDS, EDS, LDS, RDS: the names operators know. */
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

  public static Optional<XdsType> fromTypeUrl(String typeUrl) {
    for (XdsType t : values()) {
      if (t.typeUrl.equals(typeUrl)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
