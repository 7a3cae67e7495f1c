package io.trellis.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.http.testing.ProxyFixture;
import io.trellis.proxy.listener.Listeners;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every local failure leaves its Envoy response flag in the StreamInfo that observers (access logs) get. */
@ExtendWith(LeakCheck.class)
class ResponseFlagsTest {

  @Test
  void localFailuresCarryTheirResponseFlags() throws Exception {
    List<StreamInfo> seen = new CopyOnWriteArrayList<>();
    try (ProxyFixture f = new ProxyFixture()) {
      f.backend("a");
      f.clusters.putEmpty("empty");
      f.clusters.put("closed", new InetSocketAddress("127.0.0.1", 1));
      Listeners listeners = new Listeners(f.transport, f.clusters, f.stats, Clock.systemUTC(), new Random(1),
          Listeners.defaultFilters(), Duration.ofSeconds(1), seen::add);
      try {
        RouteConfig routes = new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("known.host"), List.of(
            new Route("nc", RouteMatch.prefix("/nc"), ForwardAction.to("missing")),
            new Route("uh", RouteMatch.prefix("/uh"), ForwardAction.to("empty")),
            new Route("uf", RouteMatch.prefix("/uf"), ForwardAction.to("closed")),
            new Route("ut", RouteMatch.prefix("/delay/"), ForwardAction.builder(new ClusterSpecifier.Cluster("a")).timeout(Duration.ofMillis(200)).build()),
            new Route("si", RouteMatch.prefix("/si"), ForwardAction.builder(new ClusterSpecifier.Cluster("a"))
                .prefixRewrite("/delay/2000").timeout(Duration.ZERO).idleTimeout(Duration.ofMillis(200)).build()),
            new Route("ok", RouteMatch.prefix("/"), ForwardAction.to("a"))))));
        listeners.applyListeners(List.of(ProxyFixture.listener("l",
            HttpConnectionManagerConfig.builder("flags").routeConfig(routes).build())));
        String base = "http://127.0.0.1:" + listeners.boundPort("l");
        String host = "Host: known.host";
        assertThat(Curl.run("-H", "Host: unknown.host", base + "/").status()).isEqualTo(404);
        assertThat(Curl.run("-H", host, base + "/nc").status()).isEqualTo(503);
        assertThat(Curl.run("-H", host, base + "/uh").status()).isEqualTo(503);
        assertThat(Curl.run("-H", host, base + "/uf").status()).isEqualTo(503);
        assertThat(Curl.run("-H", host, base + "/delay/2000").status()).isEqualTo(504);
        // the route's idle timeout (200 ms) answers 408 before the 2 s backend does
        assertThat(Curl.run("-H", host, base + "/si").status()).isEqualTo(408);
        assertThat(Curl.run("-H", host, base + "/ok").status()).isEqualTo(200);
        // the client goes away mid-request: DC
        try (Socket s = new Socket("127.0.0.1", listeners.boundPort("l"))) {
          s.getOutputStream().write("POST /ok HTTP/1.1\r\nHost: known.host\r\nContent-Length: 100\r\n\r\npartial".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          await().atMost(Duration.ofSeconds(5)).until(() -> f.stats.gauges().getOrDefault("http.flags.downstream_rq_active", 0L) == 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(i -> i.hasFlag(ResponseFlag.DOWNSTREAM_CONNECTION_TERMINATION)));
        assertThat(flags(seen, 404)).containsExactly("NR");
        assertThat(seen.stream().filter(i -> i.routeName().equals("nc")).findFirst().orElseThrow().flagsString()).isEqualTo("NC");
        assertThat(seen.stream().filter(i -> i.routeName().equals("uh")).findFirst().orElseThrow().flagsString()).isEqualTo("UH");
        assertThat(seen.stream().filter(i -> i.routeName().equals("uf")).findFirst().orElseThrow().flagsString()).isEqualTo("UF");
        assertThat(seen.stream().filter(i -> i.routeName().equals("ut")).findFirst().orElseThrow().flagsString()).isEqualTo("UT");
        assertThat(seen.stream().filter(i -> i.routeName().equals("si")).findFirst().orElseThrow().flagsString()).isEqualTo("SI");
        StreamInfo ok = seen.stream().filter(i -> i.routeName().equals("ok") && i.responseCode() == 200).findFirst().orElseThrow();
        assertThat(ok.flagsString()).isEqualTo("-");
        assertThat(ok.upstreamCluster()).isEqualTo("a");
        assertThat(ok.upstreamHost()).isNotNull();
        assertThat(ok.requestId()).isNotEmpty();
        assertThat(seen.stream().anyMatch(i -> i.hasFlag(ResponseFlag.DOWNSTREAM_CONNECTION_TERMINATION))).isTrue();
      } finally {
        listeners.close();
      }
    }
  }

  private static List<String> flags(List<StreamInfo> seen, int code) {
    return seen.stream().filter(i -> i.responseCode() == code).map(StreamInfo::flagsString).toList();
  }
}
