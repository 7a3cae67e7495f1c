package io.trellis.control.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;

/** Small Envoy resources for server tests; the variant number makes a different content hash. */
public final class TestResources {
  private TestResources() {}

  static final ConfigSource ADS =
      ConfigSource.newBuilder().setAds(AggregatedConfigSource.getDefaultInstance()).build();

  public static Node node(String id) {
    return Node.newBuilder()
        .setId(id)
        .setUserAgentName("envoy")
        .setMetadata(
            Struct.newBuilder().putFields("NAMESPACE", Value.newBuilder().setStringValue("default").build()))
        .build();
  }

  static Cluster cluster(String name, int variant) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.EDS)
        .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(ADS))
        .setConnectTimeout(Duration.newBuilder().setSeconds(variant))
        .build();
  }

  static ClusterLoadAssignment endpoints(String cluster, int port) {
    return ClusterLoadAssignment.newBuilder()
        .setClusterName(cluster)
        .addEndpoints(
            LocalityLbEndpoints.newBuilder()
                .addLbEndpoints(
                    LbEndpoint.newBuilder()
                        .setEndpoint(
                            Endpoint.newBuilder()
                                .setAddress(
                                    Address.newBuilder()
                                        .setSocketAddress(
                                            SocketAddress.newBuilder().setAddress("127.0.0.1").setPortValue(port))))))
        .build();
  }

  static Listener listener(String name, int port) {
    return Listener.newBuilder()
        .setName(name)
        .setAddress(
            Address.newBuilder()
                .setSocketAddress(SocketAddress.newBuilder().setAddress("0.0.0.0").setPortValue(port)))
        .build();
  }

  static RouteConfiguration routes(String name, String domain) {
    return RouteConfiguration.newBuilder()
        .setName(name)
        .addVirtualHosts(VirtualHost.newBuilder().setName(domain).addDomains(domain))
        .build();
  }

  /** A full set: cluster "a" and "b" with endpoints, listener "l", route config "r". */
  static XdsResources.Builder base(int variant) {
    return XdsResources.builder()
        .add(cluster("a", 1))
        .add(cluster("b", 1))
        .add(endpoints("a", 9001))
        .add(endpoints("b", 9002))
        .add(listener("l", 8000 + variant))
        .add(routes("r", "v" + variant));
  }

  public static Cluster unpackCluster(Any any) {
    try {
      return any.unpack(Cluster.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  static ClusterLoadAssignment unpackEndpoints(Any any) {
    try {
      return any.unpack(ClusterLoadAssignment.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
