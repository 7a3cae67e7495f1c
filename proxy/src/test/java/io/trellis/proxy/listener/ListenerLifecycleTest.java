package io.trellis.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.route.DirectResponseAction;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.http.testing.ProxyFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Listener add/update/remove with drain, RDS by name, and what bad configuration does. */
@ExtendWith(LeakCheck.class)
class ListenerLifecycleTest {

  private static RouteConfig to(String name, String cluster) {
    return new RouteConfig(name, List.of(new VirtualHostConfig("vh", List.of("*"),
        List.of(new Route("all", RouteMatch.prefix("/"), ForwardAction.to(cluster))))));
  }

  private static RouteConfig direct(String body) {
    return new RouteConfig("d", List.of(new VirtualHostConfig("vh", List.of("*"),
        List.of(new Route("all", RouteMatch.prefix("/"), new DirectResponseAction(200, body))))));
  }

  @Test
  void rdsRoutesArriveByNameAndSwapWithoutReconnecting() {
    try (ProxyFixture f = new ProxyFixture()) {
      f.backend("a");
      f.backend("b");
      int port = f.http(HttpConnectionManagerConfig.builder("rds").rds("main-routes").build());
      String url = "http://127.0.0.1:" + port + "/x";
      Curl.Response before = Curl.run(url);
      assertThat(before.status()).as("no route table yet: 404 NR").isEqualTo(404);
      f.listeners.applyRouteConfigs(Map.of("main-routes", to("main-routes", "a")));
      assertThat(Curl.run(url).header("x-backend")).isEqualTo("a");
      f.listeners.applyRouteConfigs(Map.of("main-routes", to("main-routes", "b"), "other", to("other", "a")));
      assertThat(Curl.run(url).header("x-backend")).isEqualTo("b");
      f.listeners.applyRouteConfigs(Map.of("other", to("other", "a")));
      assertThat(Curl.run(url).status()).as("removed from the state of the world").isEqualTo(404);
    }
  }

  @Test
  void updatingAListenerDrainsHttp1ConnectionsAndNewConnectionsSeeTheNewConfig() throws IOException {
    try (ProxyFixture f = new ProxyFixture()) {
      int port = f.http(direct("v1"));
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String first = readResponse(in);
        assertThat(first).contains("v1").doesNotContain("connection: close");

        f.http(direct("v2"));
        assertThat(f.listeners.boundPort("http")).as("same socket kept").isEqualTo(port);

        // the open connection finishes on its own (old) configuration and is told to close
        out.write("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String second = readResponse(in);
        assertThat(second).contains("connection: close");
        assertThat(in.read()).as("closed after the response").isEqualTo(-1);
      }
      assertThat(Curl.run("http://127.0.0.1:" + port + "/3").body()).isEqualTo("v2");
      assertThat(f.counter("http.ingress.downstream_cx_drain_close")).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void updatingAListenerSendsGoawayToHttp2Connections() throws IOException {
    try (ProxyFixture f = new ProxyFixture()) {
      int port = f.http(direct("v1"));
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
        out.flush();
        InputStream in = s.getInputStream();
        readFrame(in);
        await().atMost(Duration.ofSeconds(5)).until(() -> f.listeners.connectionCount("http") == 1);
        f.http(direct("v2"));
        boolean goaway = false;
        while (true) {
          int type = readFrame(in);
          if (type < 0) {
            break;
          }
          if (type == 7) {
            goaway = true;
          }
        }
        assertThat(goaway).as("GOAWAY before close").isTrue();
      }
    }
  }

  /** Reads one HTTP/2 frame; returns its type, or -1 at end of stream. */
  private static int readFrame(InputStream in) throws IOException {
    byte[] head = in.readNBytes(9);
    if (head.length < 9) {
      return -1;
    }
    int length = (head[0] & 0xff) << 16 | (head[1] & 0xff) << 8 | head[2] & 0xff;
    in.readNBytes(length);
    return head[3] & 0xff;
  }

  @Test
  void removingAListenerStopsAcceptingAndChangingItsPortRebinds() {
    try (ProxyFixture f = new ProxyFixture()) {
      int port = f.http(direct("v1"));
      assertThat(Curl.run("http://127.0.0.1:" + port + "/").body()).isEqualTo("v1");
      f.listeners.applyListeners(List.of());
      assertThat(f.listeners.boundPort("http")).isEqualTo(-1);
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void invalidListenersAreRejectedWholeAndTheLastGoodOnesKeepServing() {
    try (ProxyFixture f = new ProxyFixture()) {
      int port = f.http(direct("good"));
      ListenerConfig good = f.listeners.configs().get("http");
      HttpConnectionManagerConfig bad = HttpConnectionManagerConfig.builder("bad").routeConfig(direct("x"))
          .httpFilters(List.of(new io.trellis.proxy.config.listener.HttpFilterConfig("nope", "type.googleapis.com/nope", null, false),
              io.trellis.proxy.config.listener.HttpFilterConfig.router()))
          .build();
      assertThatThrownBy(() -> f.listeners.applyListeners(List.of(good, ProxyFixture.listener("second", bad))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("listener[second]");
      assertThat(f.listeners.boundPort("second")).isEqualTo(-1);
      assertThat(Curl.run("http://127.0.0.1:" + port + "/").body()).isEqualTo("good");

      ListenerConfig clash = ListenerConfig.builder("clash", "127.0.0.1", port).filterChains(good.filterChains()).build();
      assertThatThrownBy(() -> f.listeners.applyListeners(List.of(good, clash)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("listener[clash]: bind 127.0.0.1:" + port);
      assertThat(Curl.run("http://127.0.0.1:" + port + "/").body()).isEqualTo("good");
    }
  }

  @Test
  void requestHeadersTimeoutAnswers408AndHttp2AdvertisesItsStreamLimit() throws Exception {
    try (ProxyFixture f = new ProxyFixture()) {
      int port = f.http(HttpConnectionManagerConfig.builder("ingress").routeConfig(direct("ok"))
          .requestHeadersTimeout(Duration.ofMillis(300))
          .http2Options(new io.trellis.proxy.config.listener.Http2Options(7, 65535, 1048576)).build());
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: slow".getBytes(StandardCharsets.US_ASCII));
        long start = System.nanoTime();
        String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(response).startsWith("HTTP/1.1 408");
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(200L, 5000L);
      }
      // a complete request on a fresh connection is unaffected
      assertThat(Curl.run("http://127.0.0.1:" + port + "/").body()).isEqualTo("ok");
      Process p = new ProcessBuilder("nghttp", "-v", "http://127.0.0.1:" + port + "/").redirectErrorStream(true).start();
      try {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("SETTINGS_MAX_CONCURRENT_STREAMS(0x03):7").contains("SETTINGS_INITIAL_WINDOW_SIZE(0x04):65535");
        // the connection window was raised from 65535 to 1 MiB with a WINDOW_UPDATE on stream 0
        assertThat(out).contains("window_size_increment=983041");
      } finally {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void idleKeepAliveConnectionsCloseAfterTheIdleTimeoutButBusyOnesStay() throws IOException {
    try (ProxyFixture f = new ProxyFixture()) {
      int port = f.http(HttpConnectionManagerConfig.builder("ingress").routeConfig(direct("ok")).idleTimeout(Duration.ofMillis(400)).build());
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        long start = System.nanoTime();
        // a request every 100 ms for ~1 s: never idle for 400 ms, so never closed
        for (int i = 0; i < 10; i++) {
          out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          assertThat(readResponse(in)).contains("ok");
          await().pollDelay(Duration.ofMillis(100)).atMost(Duration.ofSeconds(1)).until(() -> true);
        }
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThan(900);
        long idleStart = System.nanoTime();
        assertThat(in.read()).as("closed once idle").isEqualTo(-1);
        assertThat((System.nanoTime() - idleStart) / 1_000_000).isBetween(250L, 5000L);
      }
      assertThat(f.counter("http.ingress.downstream_cx_idle_timeout")).isEqualTo(1);
    }
  }

  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String text = "";
    while (true) {
      int c = in.read();
      if (c < 0) {
        return text;
      }
      out.write(c);
      text = out.toString(StandardCharsets.ISO_8859_1);
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
