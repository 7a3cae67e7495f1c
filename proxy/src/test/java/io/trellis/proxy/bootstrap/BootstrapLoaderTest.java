package io.trellis.proxy.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapLoaderTest {

  static final String STATIC_YAML =
      """
      node:
        id: sidecar~10.0.0.1~web-1.default~default.svc.cluster.local
        cluster: web
        metadata: {NAMESPACE: default}
      admin:
        address: {socket_address: {address: 127.0.0.1, port_value: 0}}
      static_resources:
        listeners:
        - name: ingress
          address: {socket_address: {address: 127.0.0.1, port_value: 0}}
          filter_chains:
          - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: ingress_http
                route_config:
                  name: local
                  virtual_hosts:
                  - name: all
                    domains: ["*"]
                    routes:
                    - match: {prefix: /}
                      route: {cluster: backend}
                http_filters:
                - name: envoy.filters.http.router
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router
        clusters:
        - name: backend
          type: STATIC
          connect_timeout: 0.25s
          load_assignment:
            cluster_name: backend
            endpoints:
            - lb_endpoints:
              - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 8080}}}
      """;

  @Test
  void readsEnvoyYamlWithTypedConfig() throws Exception {
    var bootstrap = BootstrapLoader.parse("b.yaml", STATIC_YAML);
    assertThat(bootstrap.getNode().getCluster()).isEqualTo("web");
    assertThat(bootstrap.getNode().getMetadata().getFieldsOrThrow("NAMESPACE").getStringValue()).isEqualTo("default");
    assertThat(bootstrap.getAdmin().getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
    var listener = bootstrap.getStaticResources().getListeners(0);
    var hcm = listener.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    assertThat(hcm.getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().getCluster()).isEqualTo("backend");
    assertThat(bootstrap.getStaticResources().getClusters(0).getConnectTimeout().getNanos()).isEqualTo(250_000_000);
  }

  @Test
  void readsJsonFromAFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bootstrap.json");
    Files.writeString(
        file,
        """
        {"node": {"id": "n1", "cluster": "c"},
         "static_resources": {"clusters": [{"name": "xds_cluster", "type": "STATIC",
            "load_assignment": {"cluster_name": "xds_cluster", "endpoints": [{"lb_endpoints": [
              {"endpoint": {"address": {"socket_address": {"address": "127.0.0.1", "port_value": 15010}}}}]}]}}]},
         "dynamic_resources": {
           "ads_config": {"api_type": "DELTA_GRPC", "transport_api_version": "V3",
             "grpc_services": [{"envoy_grpc": {"cluster_name": "xds_cluster"}}]},
           "lds_config": {"ads": {}, "resource_api_version": "V3"},
           "cds_config": {"ads": {}, "resource_api_version": "V3"}}}
        """);
    var bootstrap = BootstrapLoader.load(file);
    assertThat(bootstrap.getDynamicResources().getAdsConfig().getApiType()).isEqualTo(ApiConfigSource.ApiType.DELTA_GRPC);
    assertThat(bootstrap.getDynamicResources().getLdsConfig().hasAds()).isTrue();
  }

  @Test
  void unknownFieldIsNamed() {
    assertThatThrownBy(() -> BootstrapLoader.parse("b.yaml", "node: {id: x, clustr: c}\n"))
        .isInstanceOf(BootstrapException.class)
        .hasMessageStartingWith("b.yaml: ")
        .hasMessageContaining("clustr");
  }

  @Test
  void unknownTypedConfigIsNamed() {
    String yaml = STATIC_YAML.replace("envoy.extensions.filters.http.router.v3.Router", "acme.filters.Magic");
    assertThatThrownBy(() -> BootstrapLoader.parse("b.yaml", yaml))
        .isInstanceOf(BootstrapException.class)
        .hasMessageContaining("type.googleapis.com/acme.filters.Magic");
  }

  @Test
  void yamlSyntaxErrorHasALine() {
    assertThatThrownBy(() -> BootstrapLoader.parse("b.yaml", "node:\n  id: [unclosed\n"))
        .isInstanceOf(BootstrapException.class)
        .hasMessageContaining("b.yaml: line ");
  }

  @Test
  void adsMustPointAtAStaticCluster() {
    String yaml =
        """
        node: {id: n1}
        dynamic_resources:
          ads_config:
            api_type: GRPC
            grpc_services: [{envoy_grpc: {cluster_name: xds_cluster}}]
          lds_config: {ads: {}}
          cds_config: {ads: {}}
        """;
    assertThatThrownBy(() -> BootstrapLoader.parse("b.yaml", yaml))
        .isInstanceOf(BootstrapException.class)
        .hasMessageContaining(
            "dynamic_resources.ads_config grpc_services[0] envoy_grpc.cluster_name: 'xds_cluster' is not a cluster in"
                + " static_resources.clusters");
  }

  @Test
  void collectsEveryProblem() {
    String yaml =
        """
        admin: {address: {socket_address: {address: "", port_value: 70000}}}
        static_resources:
          clusters: [{name: a}, {name: a}]
          listeners: [{name: l}]
        dynamic_resources:
          lds_config: {path_config_source: {path: /tmp/lds.yaml}}
        """;
    assertThatThrownBy(() -> BootstrapLoader.parse("b.yaml", yaml))
        .isInstanceOfSatisfying(
            BootstrapException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "admin.address socket_address.address: must not be empty",
                        "admin.address socket_address.port_value: 70000 (expected: 0..65535)",
                        "static_resources.clusters[1] name: duplicate cluster name 'a'",
                        "static_resources.listeners[0] address: required",
                        "dynamic_resources.lds_config: only ads: {} is supported (got path_config_source)"));
  }

  @Test
  void emptyFileIsRejected() {
    assertThatThrownBy(() -> BootstrapLoader.parse("b.yaml", "")).hasMessage("b.yaml: empty bootstrap");
  }

  @Test
  void aNullDocumentIsEmpty() {
    assertThatThrownBy(() -> BootstrapLoader.parse("b.yaml", "~\n")).hasMessage("b.yaml: empty bootstrap");
  }

  @Test
  void theTopLevelMustBeAMapping() {
    assertThatThrownBy(() -> BootstrapLoader.parse("b.yaml", "- node: {id: a}\n"))
        .hasMessage("b.yaml: expected a mapping at the top level, got ARRAY");
    assertThatThrownBy(() -> BootstrapLoader.parse("b.json", "\"node\""))
        .hasMessage("b.json: expected a mapping at the top level, got STRING");
  }

  @Test
  void aDocumentAfterTheFirstIsIgnoredAndFlowAndBlockStylesMix() throws Exception {
    var b =
        BootstrapLoader.parse(
            "b.yaml",
            """
            node: {id: n1, cluster: c}
            admin:
              address:
                socket_address: {address: 127.0.0.1, port_value: 9901}
            ---
            node: {id: n2}
            """);
    assertThat(b.getNode().getId()).isEqualTo("n1");
    assertThat(b.getAdmin().getAddress().getSocketAddress().getPortValue()).isEqualTo(9901);
  }
}
