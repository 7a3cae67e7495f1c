package io.trellis.proxy.config.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.proxy.config.route.RouteConfig;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenerConfigRecordsTest {

  @Test
  void routerMustBeLastAndRouteSpecifierExactlyOne() {
    assertThatThrownBy(() -> HttpConnectionManagerConfig.builder("in").build())
        .hasMessage("http_connection_manager[in].route_specifier: none (expected: exactly one of route_config, rds.route_config_name)");
    assertThatThrownBy(() -> HttpConnectionManagerConfig.builder("in").rds("r")
            .httpFilters(List.of(HttpFilterConfig.router(), new HttpFilterConfig("f", "type.googleapis.com/x", null, false)))
            .build())
        .hasMessageContaining("(expected: the router, type.googleapis.com/envoy.extensions.filters.http.router.v3.Router, last)");
    var hcm = HttpConnectionManagerConfig.builder("in").routeConfig(new RouteConfig("r", List.of())).build();
    assertThat(hcm.maxRequestHeadersKb()).isEqualTo(60);
    assertThat(hcm.maxRequestHeadersCount()).isEqualTo(100);
    assertThatThrownBy(() -> hcm.toBuilder().maxRequestHeadersKb(9000).build())
        .hasMessage("http_connection_manager[in].max_request_headers_kb: 9000 (expected: 1..8192)");
  }

  @Test
  void cidrRangeContainment() throws Exception {
    var r = new CidrRange("10.1.0.0", 16);
    assertThat(r.contains(InetAddress.getByName("10.1.200.3"))).isTrue();
    assertThat(r.contains(InetAddress.getByName("10.2.0.1"))).isFalse();
    assertThat(new CidrRange("192.168.1.128", 25).contains(InetAddress.getByName("192.168.1.200"))).isTrue();
    assertThat(new CidrRange("192.168.1.128", 25).contains(InetAddress.getByName("192.168.1.127"))).isFalse();
    assertThat(r.contains(InetAddress.getByName("::1"))).isFalse();
    assertThatThrownBy(() -> new CidrRange("10.0.0.0", 33)).hasMessage("cidr_range[10.0.0.0].prefix_len: 33 (expected: 0..32)");
  }

  @Test
  void listenerNeedsChainsAndUniqueMatches() {
    var tcp = new TcpProxyConfig("tcp", "c");
    assertThatThrownBy(() -> ListenerConfig.builder("l", "127.0.0.1", 0).build())
        .hasMessage("listener[l].filter_chains: [] (expected: at least one filter chain or a default)");
    assertThatThrownBy(() -> ListenerConfig.builder("l", "localhost", 0)
            .filterChains(List.of(new FilterChainConfig("a", null, tcp))).build())
        .hasMessageContaining("'localhost' (expected: an IP literal)");
    assertThatThrownBy(() -> ListenerConfig.builder("l", "127.0.0.1", 0)
            .filterChains(List.of(new FilterChainConfig("a", null, tcp), new FilterChainConfig("b", null, tcp))).build())
        .hasMessageContaining("(expected: unique across chains)");
    assertThatThrownBy(() -> new TcpProxyConfig("tcp", null, List.of(), null))
        .hasMessage("tcp_proxy[tcp].cluster: 'null' (expected: exactly one of cluster, weighted_clusters)");
  }
}
