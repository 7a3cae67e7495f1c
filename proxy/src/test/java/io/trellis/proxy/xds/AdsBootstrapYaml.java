package io.trellis.proxy.xds;

/**
 * The Envoy bootstrap (YAML) test control planes hand a proxy: admin on an ephemeral loopback
 * port, one static cluster to the test server over HTTP/2, and LDS and CDS over ADS of the given
 * variant.
 */
final class AdsBootstrapYaml {
  private AdsBootstrapYaml() {}

  /**
   * @param node the node's YAML (flow style)
   * @param apiType {@code GRPC} (state of the world) or {@code DELTA_GRPC}
   */
  static String of(String node, int port, String apiType) {
    return """
        node: %s
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
        static_resources:
          clusters:
          - name: xds_cluster
            type: STATIC
            connect_timeout: 1s
            typed_extension_protocol_options:
              envoy.extensions.upstreams.http.v3.HttpProtocolOptions:
                "@type": type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions
                explicit_http_config: {http2_protocol_options: {}}
            load_assignment:
              cluster_name: xds_cluster
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        dynamic_resources:
          ads_config:
            api_type: %s
            transport_api_version: V3
            grpc_services: [{envoy_grpc: {cluster_name: xds_cluster}}]
          lds_config: {ads: {}, resource_api_version: V3}
          cds_config: {ads: {}, resource_api_version: V3}
        """
        .formatted(node, port, apiType);
  }
}
