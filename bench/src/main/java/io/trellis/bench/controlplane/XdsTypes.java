package io.trellis.bench.controlplane;

import java.util.List;

/** The xDS v3 resource type URLs a sidecar subscribes to over ADS. */
public final class XdsTypes {

  public static final String CLUSTER = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  public static final String ENDPOINT = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  public static final String LISTENER = "type.googleapis.com/envoy.config.listener.v3.Listener";
  public static final String ROUTE = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  /**
   * VHDS: the virtual hosts of a route configuration that names {@code vhds}, one resource each,
   * over delta ADS only.
   */
  public static final String VIRTUAL_HOST = "type.googleapis.com/envoy.config.route.v3.VirtualHost";

  /**
   * In the order a control plane should push them (clusters before endpoints, listeners before
   * routes, route configurations before their virtual hosts).
   */
  public static final List<String> ALL = List.of(CLUSTER, ENDPOINT, LISTENER, ROUTE, VIRTUAL_HOST);

  private XdsTypes() {}

  /** CDS, EDS, LDS, RDS, VHDS: the short names used in reports. */
  public static String shortName(String typeUrl) {
    return switch (typeUrl) {
      case CLUSTER -> "cds";
      case ENDPOINT -> "eds";
      case LISTENER -> "lds";
      case ROUTE -> "rds";
      case VIRTUAL_HOST -> "vhds";
      default -> typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
    };
  }
}
