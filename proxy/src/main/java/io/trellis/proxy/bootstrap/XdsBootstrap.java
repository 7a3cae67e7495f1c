package io.trellis.proxy.bootstrap;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import io.envoyproxy.envoy.config.bootstrap.v3.Admin;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;

/**
 * The bootstrap a proxy started with {@code --xds HOST:PORT} runs: what Istio's agent generates for
 * Envoy, reduced to what matters here — the node, an admin listener on loopback, one static cluster
 * {@code xds-grpc} for the control plane (HTTP/2), and LDS and CDS over ADS.
 */
public final class XdsBootstrap {
  /** The control plane's cluster name, as in Istio's generated bootstrap. */
  public static final String XDS_CLUSTER = "xds-grpc";

  private XdsBootstrap() {}

  /**
   * @param adminAddress the admin listener's IP (loopback unless the operator chose otherwise)
   * @param delta whether to use the delta protocol ({@code DELTA_GRPC})
   */
  public static Bootstrap create(
      NodeIdentity identity, String xdsHost, int xdsPort, String adminAddress, int adminPort, boolean delta) {
    Cluster xds =
        Cluster.newBuilder()
            .setName(XDS_CLUSTER)
            .setType(isIpLiteral(xdsHost) ? Cluster.DiscoveryType.STATIC : Cluster.DiscoveryType.STRICT_DNS)
            .setConnectTimeout(Duration.newBuilder().setSeconds(1))
            .setLoadAssignment(
                ClusterLoadAssignment.newBuilder()
                    .setClusterName(XDS_CLUSTER)
                    .addEndpoints(
                        LocalityLbEndpoints.newBuilder()
                            .addLbEndpoints(
                                LbEndpoint.newBuilder().setEndpoint(Endpoint.newBuilder().setAddress(address(xdsHost, xdsPort))))))
            .putTypedExtensionProtocolOptions(
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
                Any.pack(
                    HttpProtocolOptions.newBuilder()
                        .setExplicitHttpConfig(
                            HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
                                .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                        .build()))
            .build();
    ConfigSource ads =
        ConfigSource.newBuilder()
            .setAds(AggregatedConfigSource.getDefaultInstance())
            .setResourceApiVersion(ApiVersion.V3)
            .build();
    return Bootstrap.newBuilder()
        .setNode(identity.toNode())
        .setAdmin(Admin.newBuilder().setAddress(address(adminAddress, adminPort)))
        .setStaticResources(Bootstrap.StaticResources.newBuilder().addClusters(xds))
        .setDynamicResources(
            Bootstrap.DynamicResources.newBuilder()
                .setAdsConfig(
                    ApiConfigSource.newBuilder()
                        .setApiType(delta ? ApiConfigSource.ApiType.DELTA_GRPC : ApiConfigSource.ApiType.GRPC)
                        .setTransportApiVersion(ApiVersion.V3)
                        .addGrpcServices(
                            GrpcService.newBuilder().setEnvoyGrpc(GrpcService.EnvoyGrpc.newBuilder().setClusterName(XDS_CLUSTER))))
                .setLdsConfig(ads)
                .setCdsConfig(ads))
        .build();
  }

  private static Address address(String host, int port) {
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(host).setPortValue(port)).build();
  }

  private static boolean isIpLiteral(String host) {
    return host.matches("[0-9.]+") || host.contains(":");
  }
}
