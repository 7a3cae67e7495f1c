package io.trellis.bench.peer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.trellis.bench.process.CommandRun;
import io.trellis.bench.process.Placement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every generated config is checked by the program that will read it, not by string matching. */
class GeneratedConfigTest {

  private static final BackendPorts BACKEND = new BackendPorts(18001, 18002);

  @TempDir Path dir;

  @Test
  void nginxAcceptsTheOriginConfig() throws Exception {
    Path www = Files.createDirectories(dir.resolve("www"));
    Path conf = dir.resolve("backend.conf");
    Files.writeString(conf, NginxBackendConfig.render(dir, www, BACKEND));
    CommandRun.Result r = nginxTest(conf);
    assertThat(r.ok()).as(r.output()).isTrue();
    assertThat(r.output()).contains("syntax is ok");
  }

  @Test
  void theOriginReadsAWholeUploadBeforeAnswering() throws Exception {
    // the streamed 1 MiB load must stream both ways: an origin that answers a POST before its body
    // arrives measures how a proxy handles an early response instead
    String text = NginxBackendConfig.render(dir, dir, BACKEND);
    assertThat(text).contains("mirror_request_body on;", "location = /body-sink { internal; return 204; }");
  }

  @Test
  void nginxAcceptsTheReverseProxyConfig() throws Exception {
    Path conf = dir.resolve("proxy.conf");
    String text = NginxProxyConfig.render(dir, 18003, 18004, BACKEND);
    Files.writeString(conf, text);
    CommandRun.Result r = nginxTest(conf);
    assertThat(r.ok()).as(r.output()).isTrue();
    assertThat(text).contains("server 127.0.0.1:18001;", "keepalive 256;", "proxy_set_header Connection \"\";");
  }

  @Test
  void nginxRejectsABrokenConfigSoTheCheckAboveMeansSomething() throws Exception {
    Path conf = dir.resolve("broken.conf");
    Files.writeString(conf, NginxProxyConfig.render(dir, 18003, 18004, BACKEND).replace("keepalive 256;", "keepalive;"));
    assertThat(nginxTest(conf).ok()).isFalse();
  }

  @Test
  void haproxyAcceptsItsConfig() throws Exception {
    Path cfg = dir.resolve("haproxy.cfg");
    Files.writeString(cfg, HaproxyConfig.render(18005, 18006, BACKEND));
    CommandRun.Result r = CommandRun.run(List.of("haproxy", "-c", "-f", cfg.toString()), Placement.NONE, Duration.ofSeconds(20));
    assertThat(r.ok()).as(r.output()).isTrue();
    assertThat(r.output()).contains("Configuration file is valid");
  }

  @Test
  void trellisBootstrapIsAValidEnvoyBootstrap() throws Exception {
    String yaml = TrellisBootstrap.render(18007, 18008, BACKEND);
    String json = new ObjectMapper().writeValueAsString(new YAMLMapper().readTree(yaml));
    JsonFormat.TypeRegistry types =
        JsonFormat.TypeRegistry.newBuilder()
            .add(HttpConnectionManager.getDescriptor())
            .add(Router.getDescriptor())
            .build();
    Bootstrap.Builder b = Bootstrap.newBuilder();
    JsonFormat.parser().usingTypeRegistry(types).merge(json, b); // rejects unknown fields

    Bootstrap bootstrap = b.build();
    assertThat(bootstrap.getAdmin().getAddress().getSocketAddress().getAddress()).isEqualTo("127.0.0.1");
    assertThat(bootstrap.getAdmin().getAddress().getSocketAddress().getPortValue()).isEqualTo(18008);
    Listener listener = bootstrap.getStaticResources().getListeners(0);
    assertThat(listener.getAddress().getSocketAddress().getPortValue()).isEqualTo(18007);
    HttpConnectionManager hcm =
        listener.getFilterChains(0).getFilters(0).getTypedConfig().unpack(HttpConnectionManager.class);
    assertThat(hcm.getCodecType()).isEqualTo(HttpConnectionManager.CodecType.AUTO);
    assertThat(hcm.getRouteConfig().getVirtualHosts(0).getRoutes(0).getMatch().getPrefix()).isEqualTo("/");
    assertThat(hcm.getRouteConfig().getVirtualHosts(0).getRoutes(0).getRoute().getCluster()).isEqualTo("origin");
    assertThat(hcm.getHttpFilters(0).getTypedConfig().is(Router.class)).isTrue();
    Cluster cluster = bootstrap.getStaticResources().getClusters(0);
    assertThat(cluster.getName()).isEqualTo("origin");
    assertThat(cluster.getType()).isEqualTo(Cluster.DiscoveryType.STATIC);
    assertThat(
            cluster.getLoadAssignment().getEndpoints(0).getLbEndpoints(0).getEndpoint().getAddress()
                .getSocketAddress().getPortValue())
        .isEqualTo(18001);
  }

  private CommandRun.Result nginxTest(Path conf) throws Exception {
    return CommandRun.run(
        List.of("nginx", "-t", "-p", dir.toString(), "-c", conf.toString()), Placement.NONE, Duration.ofSeconds(20));
  }
}
