package io.trellis.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
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
import io.trellis.proxy.http.testing.TestBackend;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.stats.StatsStore;
import io.trellis.proxy.upstream.UpstreamClusters;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The listeners over the real upstream implementation (pooled keep-alive connections per event loop). */
@ExtendWith(LeakCheck.class)
class RealUpstreamIntegrationTest {

  @Test
  void pooledUpstreamsServeCurlH2loadAndGrpcTimeouts() throws Exception {
    Transport transport = Transport.create(2, "real-upstream");
    StatsStore stats = new StatsStore();
    UpstreamClusters clusters = new UpstreamClusters(transport, stats, Clock.systemUTC(), new Random(5));
    Listeners listeners = new Listeners(transport, clusters, stats, Clock.systemUTC(), new Random(5), Listeners.defaultFilters(), Duration.ofSeconds(1));
    try (TestBackend backend = new TestBackend(transport, "pooled")) {
      clusters.applyClusters(List.of(ClusterConfig.builder("pooled").type(DiscoveryType.STATIC)
          .loadAssignment(EndpointsConfig.of("pooled", List.of(LocalityLbEndpoints.of(List.of(
              LbEndpoint.of("127.0.0.1", backend.address().getPort()))))))
          .build()));
      RouteConfig routes = new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"), List.of(
          new Route("grpc", RouteMatch.prefix("/delay/").withGrpc(true), ForwardAction.builder(new ClusterSpecifier.Cluster("pooled"))
              .timeout(Duration.ofSeconds(15)).build()),
          new Route("all", RouteMatch.prefix("/"), ForwardAction.to("pooled"))))));
      listeners.applyListeners(List.of(ProxyFixture.listener("l", HttpConnectionManagerConfig.builder("real").routeConfig(routes).build())));
      String base = "http://127.0.0.1:" + listeners.boundPort("l");

      for (int i = 0; i < 5; i++) {
        assertThat(Curl.run(base + "/keepalive/" + i).header("x-backend")).isEqualTo("pooled");
      }
      Curl.Response h2 = Curl.run("--http2-prior-knowledge", "--data-binary", "over h2", base + "/h2");
      assertThat(h2.body()).isEqualTo("over h2");
      // connections to the backend are reused: far fewer than requests
      assertThat(backend.connections.get()).isLessThan(backend.requests.get());

      Process p = new ProcessBuilder("h2load", "-n", "1000", "-c", "2", "-m", "100", base + "/load").redirectErrorStream(true).start();
      try {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as(out).contains("1000 succeeded, 0 failed, 0 errored");
      } finally {
        p.destroyForcibly();
      }

      // grpc-timeout shortens the route's 15 s timeout: after about 200 ms, not after the 3 s backend delay,
      // the gRPC client gets the timeout as gRPC does (HTTP 200, trailers-only, grpc-status UNAVAILABLE for 504)
      long start = System.nanoTime();
      Curl.Response grpc = Curl.run("--http2-prior-knowledge", "-H", "content-type: application/grpc", "-H", "grpc-timeout: 200m",
          "--data-binary", "x", base + "/delay/3000");
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(grpc.status()).isEqualTo(200);
      assertThat(grpc.header("grpc-status")).isEqualTo("14");
      assertThat(tookMs).isBetween(150L, 2500L);
      assertThat(stats.counters().get("cluster.pooled.upstream_rq_timeout")).isEqualTo(1);
    } finally {
      listeners.close();
      clusters.close();
      transport.close();
    }
  }
}
