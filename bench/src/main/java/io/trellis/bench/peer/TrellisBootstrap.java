package io.trellis.bench.peer;

/**
 * The Envoy v3 bootstrap the Trellis proxy runs from: admin on loopback, one listener with an
 * http_connection_manager (codec AUTO, so HTTP/1.1 and h2c share the port) routing {@code /} to a
 * STATIC cluster holding the origin. Upstream connections are kept alive by default, as in Envoy.
 * Its pieces are shared with {@link TrellisMtlsBootstrap}.
 */
public final class TrellisBootstrap {

  private TrellisBootstrap() {}

  public static String render(int listenerPort, int adminPort, BackendPorts backend) {
    return head("bench-proxy", adminPort)
        + """
          listeners:
          - name: bench
            address:
              socket_address: { address: 127.0.0.1, port_value: %d }
            filter_chains:
            - filters:
              - %s
          clusters:
        %s"""
            .formatted(listenerPort, connectionManager("origin"), originCluster(backend));
  }

  /** The node, the loopback admin and the opening of {@code static_resources}. */
  static String head(String nodeId, int adminPort) {
    return """
        node:
          id: %s
          cluster: bench
        admin:
          address:
            socket_address: { address: 127.0.0.1, port_value: %d }
        static_resources:
        """
        .formatted(nodeId, adminPort);
  }

  /** The STATIC cluster {@code origin} holding the nginx origin, as an item of {@code clusters}. */
  static String originCluster(BackendPorts backend) {
    return """
          - name: origin
            type: STATIC
            connect_timeout: 5s
            load_assignment:
              cluster_name: origin
              endpoints:
              - lb_endpoints:
                - endpoint:
                    address:
                      socket_address: { address: 127.0.0.1, port_value: %d }
        """
        .formatted(backend.http1());
  }

  /** An http_connection_manager (codec AUTO) routing every request to {@code cluster}, as one flow-style YAML value. */
  static String connectionManager(String cluster) {
    return ("{name: envoy.filters.network.http_connection_manager, typed_config: {"
            + "\"@type\": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager,"
            + " stat_prefix: bench, codec_type: AUTO,"
            + " route_config: {name: bench, virtual_hosts: [{name: origin, domains: [\"*\"],"
            + " routes: [{match: {prefix: \"/\"}, route: {cluster: %s}}]}]},"
            + " http_filters: [{name: envoy.filters.http.router, typed_config:"
            + " {\"@type\": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}}]}}")
        .formatted(cluster);
  }
}
