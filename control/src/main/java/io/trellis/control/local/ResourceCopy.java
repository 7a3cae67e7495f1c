package io.trellis.control.local;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.util.Set;

/** The pieces every local rewrite shares: copying untouched types, re-pointing inbound clusters. */
final class ResourceCopy {
  private ResourceCopy() {}

  /** Copies every resource whose type is not in {@code rewritten}. */
  static void copyExcept(XdsResources in, Set<String> rewritten, XdsResources.Builder out) {
    for (String type : in.typeUrls()) {
      if (!rewritten.contains(type)) {
        in.ofType(type).values().forEach(r -> out.add(type, r.name(), r.message()));
      }
    }
  }

  /** Clusters as generated, except that {@code inbound|…} clusters send to {@code appIp}. */
  static void clustersToApp(XdsResources in, String appIp, XdsResources.Builder out) {
    for (XdsResources.Resource r : in.ofType(XdsType.CLUSTER).values()) {
      Cluster c = (Cluster) r.message();
      out.add(c.getName().startsWith("inbound|") && c.hasLoadAssignment() ? toApp(c, appIp) : c);
    }
  }

  /**
   * Istio points inbound clusters at the app on the pod's loopback or its instance IP; a local pod's
   * app listens on its own address instead, so every static endpoint moves there (ports stay).
   */
  static Cluster toApp(Cluster c, String appIp) {
    ClusterLoadAssignment.Builder la = c.getLoadAssignment().toBuilder();
    for (LocalityLbEndpoints.Builder locality : la.getEndpointsBuilderList()) {
      for (LbEndpoint.Builder e : locality.getLbEndpointsBuilderList()) {
        if (e.hasEndpoint() && e.getEndpoint().getAddress().hasSocketAddress()) {
          SocketAddress sa = e.getEndpoint().getAddress().getSocketAddress();
          e.getEndpointBuilder().setAddress(Address.newBuilder().setSocketAddress(sa.toBuilder().setAddress(appIp)));
        }
      }
    }
    return c.toBuilder().setLoadAssignment(la).build();
  }

  static Address address(String ip, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
  }
}
