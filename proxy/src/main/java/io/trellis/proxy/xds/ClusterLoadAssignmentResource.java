package io.trellis.proxy.xds;

import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.HealthStatus;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import io.trellis.proxy.upstream.Host;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * EDS: {@code ClusterLoadAssignment} into {@link EndpointsConfig}; also used for the
 * {@code load_assignment} inline in a cluster.
 */
public final class ClusterLoadAssignmentResource implements XdsResourceType<ClusterLoadAssignment, EndpointsConfig> {
  public static final ClusterLoadAssignmentResource INSTANCE = new ClusterLoadAssignmentResource();
  public static final String TYPE_URL = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

  private ClusterLoadAssignmentResource() {}

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public String shortName() {
    return "EDS";
  }

  @Override
  public String kind() {
    return "ClusterLoadAssignment";
  }

  @Override
  public Class<ClusterLoadAssignment> protoClass() {
    return ClusterLoadAssignment.class;
  }

  @Override
  public boolean allResourcesInEachResponse() {
    return false;
  }

  @Override
  public String name(ClusterLoadAssignment proto) {
    return proto.getClusterName();
  }

  @Override
  public EndpointsConfig parse(ClusterLoadAssignment proto, ValidationErrors errors) {
    return convert(proto, errors);
  }

  static EndpointsConfig convert(ClusterLoadAssignment cla, ValidationErrors errors) {
    int before = errors.messages().size();
    List<LocalityLbEndpoints> localities = new ArrayList<>();
    for (int i = 0; i < cla.getEndpointsCount(); i++) {
      var group = cla.getEndpoints(i);
      ValidationErrors at = errors.at("endpoints", i);
      List<LbEndpoint> endpoints = new ArrayList<>();
      for (int j = 0; j < group.getLbEndpointsCount(); j++) {
        LbEndpoint e = endpoint(group.getLbEndpoints(j), at.at("lb_endpoints", j));
        if (e != null) {
          endpoints.add(e);
        }
      }
      var loc = group.getLocality();
      Host.Locality locality =
          group.hasLocality() ? new Host.Locality(loc.getRegion(), loc.getZone(), loc.getSubZone()) : Host.Locality.NONE;
      int weight = group.hasLoadBalancingWeight() ? group.getLoadBalancingWeight().getValue() : 0;
      LocalityLbEndpoints converted =
          at.build(() -> new LocalityLbEndpoints(locality, endpoints, weight, group.getPriority()));
      if (converted != null) {
        localities.add(converted);
      }
    }
    if (cla.getNamedEndpointsCount() > 0) {
      errors.at("named_endpoints").add("not supported");
    }
    if (errors.messages().size() > before) {
      return null;
    }
    int factor =
        cla.hasPolicy() && cla.getPolicy().hasOverprovisioningFactor()
            ? cla.getPolicy().getOverprovisioningFactor().getValue()
            : EndpointsConfig.DEFAULT_OVERPROVISIONING_FACTOR;
    return errors.build(() -> new EndpointsConfig(cla.getClusterName(), localities, factor));
  }

  private static LbEndpoint endpoint(io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint e, ValidationErrors errors) {
    if (!e.hasEndpoint()) {
      errors.add("endpoint: required (named endpoints are not supported)");
      return null;
    }
    var endpoint = e.getEndpoint();
    if (!endpoint.getAddress().hasSocketAddress()) {
      errors.at("endpoint.address").add("socket_address is required");
      return null;
    }
    var socket = endpoint.getAddress().getSocketAddress();
    HealthStatus health =
        switch (e.getHealthStatus()) {
          case HEALTHY -> HealthStatus.HEALTHY;
          case UNHEALTHY -> HealthStatus.UNHEALTHY;
          case DRAINING -> HealthStatus.DRAINING;
          case TIMEOUT -> HealthStatus.TIMEOUT;
          case DEGRADED -> HealthStatus.DEGRADED;
          default -> HealthStatus.UNKNOWN;
        };
    int weight = e.hasLoadBalancingWeight() ? e.getLoadBalancingWeight().getValue() : 1;
    Map<String, String> lbMetadata = new LinkedHashMap<>();
    var lb = e.getMetadata().getFilterMetadataMap().get("envoy.lb");
    if (lb != null) {
      lb.getFieldsMap().forEach((k, v) -> {
        switch (v.getKindCase()) {
          case STRING_VALUE -> lbMetadata.put(k, v.getStringValue());
          case BOOL_VALUE -> lbMetadata.put(k, Boolean.toString(v.getBoolValue()));
          case NUMBER_VALUE -> lbMetadata.put(k, Double.toString(v.getNumberValue()));
          default -> {}
        }
      });
    }
    return errors.build(
        () -> new LbEndpoint(socket.getAddress(), socket.getPortValue(), endpoint.getHostname(), health, weight, lbMetadata));
  }
}
