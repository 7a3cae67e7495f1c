package io.trellis.proxy.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.DirectResponseAction;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.HeaderMutations;
import io.trellis.proxy.config.route.HeaderValueOption;
import io.trellis.proxy.config.route.HostRewrite;
import io.trellis.proxy.config.route.PathMatch;
import io.trellis.proxy.config.route.RedirectAction;
import io.trellis.proxy.config.route.RegexRewrite;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.config.route.WeightedCluster;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.http.testing.ProxyFixture;
import io.trellis.proxy.http.testing.RawHttp;
import io.trellis.proxy.http.testing.TestBackend;
import io.trellis.proxy.http.testing.WebSocketEchoBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The HTTP path end to end: real sockets, curl, nghttp/h2load, raw sockets, a WebSocket client. */
@org.junit.jupiter.api.extension.ExtendWith(io.trellis.proxy.http.testing.LeakCheck.class)
class HttpProxyIntegrationTest {
  private static ProxyFixture f;
  private static TestBackend a;
  private static TestBackend b;
  private static WebSocketEchoBackend ws;
  private static int port;
  private static String base;

  private static HeaderMutations requestAdd(String name, String value) {
    return new HeaderMutations(List.of(HeaderValueOption.overwrite(name, value)), List.of(), List.of(), List.of());
  }

  @BeforeAll
  static void start() {
    f = new ProxyFixture();
    a = f.backend("a");
    b = f.backend("b");
    ws = new WebSocketEchoBackend(f.transport);
    f.clusters.put("ws", ws.address());
    f.clusters.put("closed", new InetSocketAddress("127.0.0.1", 1));
    f.clusters.putWithHostname("named", a.address(), "named.internal");
    f.clusters.putEmpty("empty");
    List<Route> routes = List.of(
        new Route("ws", RouteMatch.prefix("/ws"), ForwardAction.to("ws")),
        new Route("connect", new RouteMatch(new PathMatch.Connect(), true, null, null, false), ForwardAction.to("a")),
        new Route("direct", RouteMatch.path("/direct"), new DirectResponseAction(418, "short and stout")),
        new Route("https", RouteMatch.prefix("/secure"), RedirectAction.https()),
        new Route("moved", RouteMatch.prefix("/old/"), new RedirectAction(null, "new.example.com", 0, null, "/new/", null, 302, false)),
        new Route("rewrite", RouteMatch.prefix("/api/"), ForwardAction.builder(new ClusterSpecifier.Cluster("a")).prefixRewrite("/v2/").build()),
        new Route("regex", RouteMatch.prefix("/rx/"), ForwardAction.builder(new ClusterSpecifier.Cluster("a"))
            .regexRewrite(new RegexRewrite("^/rx/([a-z]+)/([0-9]+)$", "/items/\\2/\\1")).build()),
        new Route("hostlit", RouteMatch.prefix("/hostlit"), ForwardAction.builder(new ClusterSpecifier.Cluster("a"))
            .hostRewrite(new HostRewrite.Literal("rewritten.example")).build()),
        new Route("hostauto", RouteMatch.prefix("/hostauto"), ForwardAction.builder(new ClusterSpecifier.Cluster("named"))
            .hostRewrite(new HostRewrite.Auto()).build()),
        new Route("hosthdr", RouteMatch.prefix("/hosthdr"), ForwardAction.builder(new ClusterSpecifier.Cluster("a"))
            .hostRewrite(new HostRewrite.FromHeader("x-target-host")).build()),
        new Route("timeout", RouteMatch.prefix("/delay/"), ForwardAction.builder(new ClusterSpecifier.Cluster("a"))
            .timeout(Duration.ofMillis(300)).build()),
        new Route("nocluster", RouteMatch.prefix("/nocluster"), ForwardAction.to("missing")),
        new Route("unhealthy", RouteMatch.prefix("/unhealthy"), ForwardAction.to("empty")),
        new Route("refused", RouteMatch.prefix("/refused"), ForwardAction.to("closed")),
        new Route("weighted", RouteMatch.prefix("/weighted"), ForwardAction.builder(new ClusterSpecifier.Weighted(List.of(
            new WeightedCluster("a", 25, requestAdd("x-picked", "a")), new WeightedCluster("b", 75, requestAdd("x-picked", "b"))))).build()),
        new Route("mutations", RouteMatch.prefix("/mut"), ForwardAction.to("b")).withHeaders(new HeaderMutations(
            List.of(HeaderValueOption.overwrite("x-level", "route"), HeaderValueOption.append("x-route", "1")),
            List.of("x-drop-me"),
            List.of(HeaderValueOption.overwrite("x-resp-level", "route")),
            List.of("x-echo-x-secret"))),
        new Route("all", RouteMatch.prefix("/"), ForwardAction.to("a")));
    RouteConfig config = new RouteConfig("main", List.of(
        new VirtualHostConfig("only-b", List.of("b.example.com"), List.of(new Route("b", RouteMatch.prefix("/"), ForwardAction.to("b")))),
        new VirtualHostConfig("default", List.of("*"), routes).withHeaders(new HeaderMutations(
            List.of(HeaderValueOption.overwrite("x-level", "vhost"), HeaderValueOption.append("x-vhost", "1")),
            List.of(), List.of(HeaderValueOption.overwrite("x-resp-level", "vhost")), List.of()))),
        new HeaderMutations(List.of(HeaderValueOption.append("x-config", "1")), List.of(), List.of(HeaderValueOption.append("x-resp-config", "1")), List.of()));
    port = f.http(HttpConnectionManagerConfig.builder("ingress").routeConfig(config)
        .normalizePath(true).mergeSlashes(true).useRemoteAddress(true).upgradeTypes(List.of("websocket", "CONNECT")).build());
    base = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() {
    ws.close();
    f.close();
  }

  @Test
  void virtualHostByHostHeader() {
    assertThat(Curl.run("-H", "Host: b.example.com", base + "/x").header("x-backend")).isEqualTo("b");
    assertThat(Curl.run(base + "/x").header("x-backend")).isEqualTo("a");
  }

  @Test
  void forwardedHeadersRequestIdAndEnvoyHeaders() {
    Curl.Response r = Curl.run("-H", "X-Forwarded-For: 203.0.113.9", "-H", "x-envoy-upstream-rq-timeout-ms: 5", base + "/delay/100");
    // use_remote_address: the peer is appended; with a prior XFF hop the request is external, so the
    // client's x-envoy-* header is stripped and cannot shorten the timeout
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("x-echo-x-forwarded-for")).isEqualTo("203.0.113.9, 127.0.0.1");
    assertThat(r.header("x-echo-x-envoy-upstream-rq-timeout-ms")).isNull();
    assertThat(r.header("x-echo-x-envoy-internal")).isNull();
    assertThat(r.header("x-echo-x-forwarded-proto")).isEqualTo("http");
    assertThat(r.header("x-echo-x-request-id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    assertThat(r.header("x-echo-x-envoy-expected-rq-timeout-ms")).isEqualTo("300");
    assertThat(r.header("x-envoy-upstream-service-time")).matches("[0-9]+");
    assertThat(r.header("server")).isEqualTo("trellis");

    // a loopback peer without XFF is internal: x-envoy-internal is set and the timeout header is honoured
    Curl.Response internal = Curl.run("-H", "x-envoy-upstream-rq-timeout-ms: 50", "-H", "x-request-id: keep-me", base + "/delay/1000");
    assertThat(internal.status()).isEqualTo(504);
    assertThat(internal.body()).isEqualTo("upstream request timeout");
    Curl.Response kept = Curl.run("-H", "x-request-id: keep-me", base + "/x");
    assertThat(kept.header("x-echo-x-envoy-internal")).isEqualTo("true");
    assertThat(kept.header("x-echo-x-request-id")).isEqualTo("keep-me");
  }

  @Test
  void localRepliesCarryEnvoyStatusesAndStats() {
    long uh = f.counter("cluster.empty.upstream_rq_total");
    assertThat(Curl.run(base + "/nocluster").status()).isEqualTo(503);
    Curl.Response unhealthy = Curl.run(base + "/unhealthy");
    assertThat(unhealthy.status()).isEqualTo(503);
    assertThat(unhealthy.body()).isEqualTo("no healthy upstream");
    Curl.Response refused = Curl.run(base + "/refused");
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.body()).startsWith("upstream connect error");
    assertThat(f.counter("cluster.closed.upstream_rq_5xx")).isGreaterThanOrEqualTo(1);
    long timeouts = f.counter("cluster.a.upstream_rq_timeout");
    long start = System.nanoTime();
    Curl.Response timeout = Curl.run(base + "/delay/3000");
    long tookMs = (System.nanoTime() - start) / 1_000_000;
    assertThat(timeout.status()).isEqualTo(504);
    assertThat(tookMs).isBetween(250L, 2500L);
    assertThat(f.counter("cluster.a.upstream_rq_timeout")).isEqualTo(timeouts + 1);
    assertThat(f.counter("cluster.empty.upstream_rq_total")).isEqualTo(uh);
    assertThat(f.counter("http.ingress.downstream_rq_5xx")).isGreaterThanOrEqualTo(4);
    assertThat(f.counter("listener.127.0.0.1_" + port + ".downstream_cx_total")).isGreaterThanOrEqualTo(4);
  }

  @Test
  void directResponseAndRedirects() {
    Curl.Response d = Curl.run(base + "/direct");
    assertThat(d.status()).isEqualTo(418);
    assertThat(d.body()).isEqualTo("short and stout");
    // response header mutations of the virtual host and the route configuration apply to direct responses too
    assertThat(d.header("x-resp-level")).isEqualTo("vhost");
    assertThat(d.header("x-resp-config")).isEqualTo("1");
    Curl.Response https = Curl.run("-H", "Host: shop.example.com:80", base + "/secure/cart?id=3");
    assertThat(https.status()).isEqualTo(301);
    assertThat(https.header("location")).isEqualTo("https://shop.example.com/secure/cart?id=3");
    Curl.Response moved = Curl.run("-H", "Host: old.example.com:8080", base + "/old/page?q=1");
    assertThat(moved.status()).isEqualTo(302);
    assertThat(moved.header("location")).isEqualTo("http://new.example.com:8080/new/page?q=1");
  }

  @Test
  void rewritesReachTheBackendExactly() {
    Curl.Response rewritten = Curl.run(base + "/api/users?id=1");
    assertThat(rewritten.header("x-echo-uri")).isEqualTo("/v2/users?id=1");
    assertThat(rewritten.header("x-echo-x-envoy-original-path")).isEqualTo("/api/users?id=1");
    assertThat(Curl.run(base + "/rx/widget/42").header("x-echo-uri")).isEqualTo("/items/42/widget");
    assertThat(Curl.run(base + "/a/./b/../c//d").header("x-echo-uri")).isEqualTo("/a/c/d");
    assertThat(Curl.run(base + "/hostlit").header("x-echo-host")).isEqualTo("rewritten.example");
    assertThat(Curl.run(base + "/hostauto").header("x-echo-host")).isEqualTo("named.internal");
    assertThat(Curl.run("-H", "x-target-host: from.header", base + "/hosthdr").header("x-echo-host")).isEqualTo("from.header");
  }

  @Test
  void headerMutationsApplyMostSpecificFirstSoConfigLevelWins() {
    Curl.Response r = Curl.run("-H", "x-drop-me: 1", "-H", "x-secret: s", base + "/mut");
    assertThat(r.header("x-backend")).isEqualTo("b");
    assertThat(r.header("x-echo-x-drop-me")).isNull();
    // route overwrites first, then the virtual host overwrites: the less specific level wins (Envoy's default)
    assertThat(r.header("x-echo-x-level")).isEqualTo("vhost");
    assertThat(r.header("x-echo-x-route")).isEqualTo("1");
    assertThat(r.header("x-echo-x-vhost")).isEqualTo("1");
    assertThat(r.header("x-echo-x-config")).isEqualTo("1");
    assertThat(r.header("x-resp-level")).isEqualTo("vhost");
    assertThat(r.header("x-resp-config")).isEqualTo("1");
    assertThat(r.header("x-echo-x-secret")).isNull();
  }

  @Test
  void weightedClustersEndToEndApplyTheirOwnHeaders() {
    int toA = 0;
    for (int i = 0; i < 40; i++) {
      Curl.Response r = Curl.run(base + "/weighted");
      assertThat(r.header("x-echo-x-picked")).isEqualTo(r.header("x-backend"));
      if ("a".equals(r.header("x-backend"))) {
        toA++;
      }
    }
    assertThat(toA).isBetween(2, 25);
  }

  @Test
  void keepAliveAndPipelinedRequestsAnswerInOrderOnOneConnection() throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(("GET /delay/200 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\n"
          + "POST /p3 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
          + "POST /p4 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
          + "GET /p5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(all.split("HTTP/1.1 200 OK", -1)).hasSize(6);
      int i1 = all.indexOf("x-echo-uri: /delay/200");
      int i2 = all.indexOf("x-echo-uri: /p2");
      int i3 = all.indexOf("x-echo-uri: /p3");
      int i4 = all.indexOf("x-echo-uri: /p4");
      int i5 = all.indexOf("x-echo-uri: /p5");
      assertThat(i1).isLessThan(i2);
      assertThat(i2).isLessThan(i3);
      assertThat(i3).isLessThan(i4);
      assertThat(i4).isLessThan(i5);
      assertThat(all).contains("hello").contains("abc").contains("connection: close");
    }
  }

  @Test
  void chunkedAndOneMegabyteBodiesStreamBothWays(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    byte[] big = new byte[1024 * 1024];
    new java.util.Random(1).nextBytes(big);
    Path file = dir.resolve("big.bin");
    Files.write(file, big);
    Path out = dir.resolve("out.bin");
    Curl.run("-o", out.toString(), "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, base + "/echo");
    assertThat(sha(bodyOf(Files.readAllBytes(out)))).isEqualTo(sha(big));
    Path out2 = dir.resolve("out2.bin");
    Curl.run("--http2-prior-knowledge", "-o", out2.toString(), "--data-binary", "@" + file, base + "/echo2");
    assertThat(sha(bodyOf(Files.readAllBytes(out2)))).isEqualTo(sha(big));
    Curl.Response download = Curl.run(base + "/big/1048576");
    assertThat(download.body()).hasSize(1048576);
  }

  @Test
  void oneMegabyteUploadsFollowEachOtherOnOneKeptAliveConnection() throws Exception {
    // the body is streamed (in parts, while the backend reads it) and echoed back; the response is
    // flushed as it arrives, and after it the same connection carries the next upload
    byte[] big = new byte[1024 * 1024];
    new java.util.Random(7).nextBytes(big);
    long connectionsBefore = f.counter("http.ingress.downstream_cx_total");
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.setSoTimeout(20_000);
      var in = new java.io.BufferedInputStream(s.getInputStream());
      for (int round = 0; round < 3; round++) {
        String head = "POST /echo-big-" + round + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + big.length + "\r\n\r\n";
        s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().write(big);
        s.getOutputStream().flush();
        String status = readLine(in);
        assertThat(status).startsWith("HTTP/1.1 200");
        int length = -1;
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
          if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
          assertThat(line.toLowerCase(java.util.Locale.ROOT)).isNotEqualTo("connection: close");
        }
        assertThat(length).isEqualTo(big.length);
        byte[] body = in.readNBytes(length);
        assertThat(sha(body)).isEqualTo(sha(big));
      }
    }
    assertThat(f.counter("http.ingress.downstream_cx_total")).isEqualTo(connectionsBefore + 1);
  }

  private static String readLine(java.io.InputStream in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new java.io.EOFException("connection closed after: " + b);
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
  }

  /** curl -i writes the response head into the output file too. */
  private static byte[] bodyOf(byte[] withHead) {
    String s = new String(withHead, 0, Math.min(withHead.length, 4096), StandardCharsets.ISO_8859_1);
    int end = s.indexOf("\r\n\r\n") + 4;
    return java.util.Arrays.copyOfRange(withHead, end, withHead.length);
  }

  private static String sha(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void grpcShapedRequestKeepsTrailersOverHttp2() throws Exception {
    Process p = new ProcessBuilder("nghttp", "-v", "-H", "content-type: application/grpc", "-H", "te: trailers", base + "/trailers").start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(out).contains(":status: 200").contains("grpc-body").contains("grpc-status: 0").contains("grpc-message: ok");
    } finally {
      p.destroyForcibly();
    }
    // and over HTTP/1.1 with chunked trailers, raw
    String raw = RawHttp.exchange(port, "POST /trailers HTTP/1.1\r\nHost: x\r\nContent-Type: application/grpc\r\nTE: trailers\r\n"
        + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\nx-client-trailer: yes\r\n\r\n");
    assertThat(raw).startsWith("HTTP/1.1 200").contains("grpc-status: 0");
    TestBackend.FullHttpRequestSnapshot seen = a.seen.stream().filter(s -> s.uri().equals("/trailers") && s.bodyLength() == 5).findFirst().orElseThrow();
    assertThat(seen.trailers()).containsEntry("x-client-trailer", "yes");
  }

  @Test
  void h2loadHundredConcurrentStreamsAllSucceed() throws Exception {
    Process p = new ProcessBuilder("h2load", "-n", "2000", "-c", "4", "-m", "100", base + "/load").redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(out).as(out).contains("2000 succeeded, 0 failed, 0 errored");
      assertThat(out).contains("status codes: 2000 2xx");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void webSocketEchoThroughTheProxy() throws Exception {
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            reply.complete(data.toString());
            return null;
          }
        }).get(10, TimeUnit.SECONDS);
    socket.sendText("hi there", true);
    assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("echo: hi there");
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
  }

  @Test
  void connectTunnelsRawBytes() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write("CONNECT backend.internal:80 HTTP/1.1\r\nHost: backend.internal:80\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String head = readHead(in);
      assertThat(head).startsWith("HTTP/1.1 200");
      assertThat(head.toLowerCase()).doesNotContain("transfer-encoding").doesNotContain("content-length");
      // now speak HTTP to the backend through the tunnel
      out.write("GET /through-tunnel HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // the backend keeps its connection open; read until its response is complete
      String rest = readHead(in);
      assertThat(rest).startsWith("HTTP/1.1 200").contains("x-echo-uri: /through-tunnel");
    }
  }

  static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    while (!sb.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      sb.append((char) c);
    }
    return sb.toString();
  }

  @Test
  void http10ClientsGetCloseDelimitedOrKeepAlive() throws IOException {
    String r = RawHttp.exchange(port, "GET /ten HTTP/1.0\r\nHost: x\r\n\r\n");
    assertThat(r).startsWith("HTTP/1.1 200").contains("connection: close").contains("backend a");
  }

  @Test
  void expectContinueIsAnsweredByTheProxy() {
    Curl.Response r = Curl.run("-H", "Expect: 100-continue", "--data-binary", "payload", base + "/expect");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("payload");
    assertThat(r.header("x-echo-expect")).isNull();
  }

  @Test
  void statsCountRequestsByClass() {
    long total = f.counter("http.ingress.downstream_rq_total");
    long ok = f.counter("http.ingress.downstream_rq_2xx");
    long upstream = f.counter("cluster.b.upstream_rq_2xx");
    Curl.run("-H", "Host: b.example.com", base + "/count");
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(f.counter("http.ingress.downstream_rq_total")).isGreaterThanOrEqualTo(total + 1);
      assertThat(f.counter("http.ingress.downstream_rq_2xx")).isGreaterThanOrEqualTo(ok + 1);
      assertThat(f.counter("cluster.b.upstream_rq_2xx")).isGreaterThanOrEqualTo(upstream + 1);
    });
  }
}
