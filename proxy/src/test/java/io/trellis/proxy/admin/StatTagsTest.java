package io.trellis.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.stats.StatsStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatTagsTest {

  @Test
  void clusterNameAndResponseCodes() {
    assertThat(StatTags.extract("cluster.web.upstream_rq_total"))
        .isEqualTo(new StatTags.Tagged("cluster.upstream_rq_total", Map.of("envoy_cluster_name", "web")));
    var code = StatTags.extract("cluster.web.upstream_rq_200");
    assertThat(code.name()).isEqualTo("cluster.upstream_rq");
    assertThat(code.tags()).containsExactly(Map.entry("envoy_response_code", "200"), Map.entry("envoy_cluster_name", "web"));
    var codeClass = StatTags.extract("cluster.web.upstream_rq_5xx");
    assertThat(codeClass.name()).isEqualTo("cluster.upstream_rq_xx");
    assertThat(codeClass.tags())
        .containsExactly(Map.entry("envoy_response_code_class", "5"), Map.entry("envoy_cluster_name", "web"));
  }

  @Test
  void listenerAddressAndHttpPrefix() {
    var listener = StatTags.extract("listener.127.0.0.1_8080.downstream_cx_total");
    assertThat(listener.name()).isEqualTo("listener.downstream_cx_total");
    assertThat(listener.tags()).containsExactly(Map.entry("envoy_listener_address", "127.0.0.1_8080"));
    var http = StatTags.extract("http.ingress_http.downstream_rq_2xx");
    assertThat(http.name()).isEqualTo("http.downstream_rq_xx");
    assertThat(http.tags())
        .containsExactly(
            Map.entry("envoy_response_code_class", "2"), Map.entry("envoy_http_conn_manager_prefix", "ingress_http"));
    var rds = StatTags.extract("http.ingress_http.rds.local.routes.config_reload");
    assertThat(rds.name()).isEqualTo("http.rds.config_reload");
    assertThat(rds.tags())
        .containsEntry("envoy_rds_route_config", "local.routes")
        .containsEntry("envoy_http_conn_manager_prefix", "ingress_http");
  }

  @Test
  void adminListenerKeepsItsName() {
    assertThat(StatTags.extract("listener.admin.downstream_cx_total"))
        .isEqualTo(new StatTags.Tagged("listener.admin.downstream_cx_total", Map.of()));
  }

  @Test
  void prometheusTextGroupsFamilies() {
    StatsStore stats = new StatsStore();
    stats.counter("cluster.web.upstream_rq_total").add(7);
    stats.counter("cluster.api.upstream_rq_total").add(2);
    stats.counter("cluster.web.upstream_rq_2xx").add(6);
    stats.gauge("cluster.web.upstream_cx_active").set(3);
    assertThat(StatsFormats.prometheus(stats))
        .isEqualTo(
            """
            # TYPE envoy_cluster_upstream_rq_total counter
            envoy_cluster_upstream_rq_total{envoy_cluster_name="api"} 2
            envoy_cluster_upstream_rq_total{envoy_cluster_name="web"} 7
            # TYPE envoy_cluster_upstream_rq_xx counter
            envoy_cluster_upstream_rq_xx{envoy_response_code_class="2",envoy_cluster_name="web"} 6
            # TYPE envoy_cluster_upstream_cx_active gauge
            envoy_cluster_upstream_cx_active{envoy_cluster_name="web"} 3
            """);
  }

  @Test
  void envoyTextIsSortedAndFiltered() {
    StatsStore stats = new StatsStore();
    stats.counter("cluster.web.upstream_rq_total").add(7);
    stats.counter("cluster.web.upstream_cx_total");
    stats.gauge("server.live").set(1);
    assertThat(StatsFormats.envoyText(stats, null, false))
        .isEqualTo("cluster.web.upstream_cx_total: 0\ncluster.web.upstream_rq_total: 7\nserver.live: 1\n");
    assertThat(StatsFormats.envoyText(stats, com.google.re2j.Pattern.compile("^cluster\\."), true))
        .isEqualTo("cluster.web.upstream_rq_total: 7\n");
  }
}
