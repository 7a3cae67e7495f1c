package io.trellis.proxy.http.h1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.LbEndpoint;
import io.trellis.proxy.config.cluster.LocalityLbEndpoints;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.http.testing.ProxyFixture;
import io.trellis.proxy.http.testing.TestBackend;
import io.trellis.proxy.listener.Listeners;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.stats.StatsStore;
import io.trellis.proxy.upstream.UpstreamClusters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A keep-alive connection stays armed for reading while its complete request awaits the response (no
 * epoll interest toggling per request). What that read brings must still wait its turn: these tests
 * send the next request, or part of it, while the first one is held by a slow backend.
 */
@ExtendWith(LeakCheck.class)
class Http1ReadAheadTest {

  private static RouteConfig toBackend() {
    return new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"),
        List.of(new Route("all", RouteMatch.prefix("/"), ForwardAction.to("a"))))));
  }

  @Test
  void requestsArrivingWhileAnotherIsInFlightWaitAndReuseItsUpstreamConnection() throws IOException {
    Transport transport = Transport.create(1, "read-ahead");
    StatsStore stats = new StatsStore();
    UpstreamClusters clusters = new UpstreamClusters(transport, stats, Clock.systemUTC(), new Random(5));
    Listeners listeners = new Listeners(transport, clusters, stats, Clock.systemUTC(), new Random(5), Listeners.defaultFilters(),
        Duration.ofSeconds(1));
    try (TestBackend backend = new TestBackend(transport, "a")) {
      clusters.applyClusters(List.of(ClusterConfig.builder("a").type(DiscoveryType.STATIC)
          .loadAssignment(EndpointsConfig.of("a", List.of(LocalityLbEndpoints.of(List.of(
              LbEndpoint.of("127.0.0.1", backend.address().getPort()))))))
          .build()));
      listeners.applyListeners(List.of(ProxyFixture.listener("l", HttpConnectionManagerConfig.builder("ingress")
          .routeConfig(toBackend()).build())));
      try (Socket s = new Socket("127.0.0.1", listeners.boundPort("l"))) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write("GET /delay/400 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.requests.get() == 1);
        // the proxy may read these at once, but must forward each only after the response before it
        // (the last two are pipelined in one write)
        out.write("GET /second HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        out.write("GET /third HTTP/1.1\r\nHost: x\r\n\r\nGET /fourth HTTP/1.1\r\nHost: x\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (String uri : List.of("/delay/400", "/second", "/third", "/fourth")) {
          String response = readResponse(in);
          assertThat(response).startsWith("HTTP/1.1 200").contains("x-echo-uri: " + uri);
        }
        assertThat(backend.seen).extracting(TestBackend.FullHttpRequestSnapshot::uri)
            .containsExactly("/delay/400", "/second", "/third", "/fourth");
        // one request at a time on one upstream connection: each waited for the one before to end
        assertThat(backend.connections.get()).isEqualTo(1);
      }
      // counted when the stream ends on the proxy's event loop, which may be just after the client
      // has read the last response
      await().atMost(Duration.ofSeconds(5))
          .untilAsserted(() -> assertThat(stats.counters().get("http.ingress.downstream_rq_2xx")).isEqualTo(4));
    } finally {
      listeners.close();
      clusters.close();
      transport.close();
    }
  }

  @Test
  void aHeadStartedWhileARequestIsInFlightIsTimedFromTheEndOfThatResponse() throws IOException {
    try (ProxyFixture f = new ProxyFixture()) {
      TestBackend backend = f.backend("a");
      int port = f.http(HttpConnectionManagerConfig.builder("ingress").routeConfig(toBackend())
          .requestHeadersTimeout(Duration.ofMillis(300)).build());
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write("GET /delay/900 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.requests.get() == 1);
        // the start of a next head, never finished: its 300 ms must not cut the response in flight
        out.write("GET /never HTTP/1.1\r\nHost: sl".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String first = readResponse(in);
        long firstAt = System.nanoTime();
        assertThat(first).startsWith("HTTP/1.1 200").contains("x-echo-uri: /delay/900");
        String rest = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(rest).startsWith("HTTP/1.1 408");
        assertThat((System.nanoTime() - firstAt) / 1_000_000).isBetween(200L, 5000L);
      }
      assertThat(backend.requests.get()).isEqualTo(1);
    }
  }

  /** Reads one response framed by Content-Length. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return out.toString(StandardCharsets.ISO_8859_1);
      }
      out.write(c);
      String text = out.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end > 0) {
        int cl = text.toLowerCase().indexOf("content-length: ");
        if (cl >= 0) {
          int len = Integer.parseInt(text.substring(cl + 16, text.indexOf("\r\n", cl)).trim());
          if (text.length() >= end + 4 + len) {
            return text;
          }
        }
      }
    }
  }
}
