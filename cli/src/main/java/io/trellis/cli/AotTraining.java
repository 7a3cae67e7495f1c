package io.trellis.cli;

import com.sun.net.httpserver.HttpServer;
import io.trellis.proxy.bootstrap.BootstrapException;
import io.trellis.proxy.bootstrap.BootstrapLoader;
import io.trellis.proxy.server.ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The training run of {@code trellis proxy}'s AOT cache (JDK 25, JEP 483/514/515): the launcher runs
 * {@code trellis proxy --aot-training} once per build under {@code -XX:AOTCacheOutput}, and every later
 * {@code trellis proxy} starts with the classes this run loaded already parsed and linked, and with
 * the method profiles it gathered. So the run takes the path a real proxy takes — an Envoy bootstrap
 * file read by {@link BootstrapLoader}, {@link ProxyServer} started with the command's options — and
 * then proxies a bounded HTTP/1.1 workload (keep-alive GETs and streamed POSTs) to an origin on
 * loopback, and stops.
 */
final class AotTraining {
  static final int GETS = 2000;
  static final int POSTS = 50;
  private static final Duration TIME_LIMIT = Duration.ofSeconds(60);
  private static final byte[] ONE_KB = "x".repeat(1024).getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private AotTraining() {}

  /** Returns the exit code: 0 when every request was proxied with a 200. */
  static int run(ProxyServer.Options options, PrintWriter err) throws IOException, InterruptedException {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    HttpServer origin = HttpServer.create(new InetSocketAddress(loopback, 0), 64);
    origin.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
            exchange.sendResponseHeaders(200, ONE_KB.length);
            exchange.getResponseBody().write(ONE_KB);
          }
        });
    origin.start();
    Path dir = Files.createTempDirectory("trellis-aot-training-");
    ProxyServer proxy = null;
    try {
      Path file = dir.resolve("bootstrap.yaml");
      Files.writeString(file, bootstrap(origin.getAddress().getPort()));
      proxy = ProxyServer.start(BootstrapLoader.load(file), file.toString(), options);
      int port = proxy.listenerPort("training");
      long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
      int ok = 0;
      for (int i = 0; i < GETS + POSTS && System.nanoTime() < deadline; i++) {
        boolean post = i % ((GETS + POSTS) / POSTS) == 0;
        if (request(port, post) == 200) {
          ok++;
        }
      }
      err.println("trellis proxy: AOT training proxied " + ok + " of " + (GETS + POSTS) + " requests");
      err.flush();
      return ok == GETS + POSTS ? 0 : 1;
    } catch (BootstrapException e) {
      throw new IllegalStateException("the training bootstrap does not load: " + e.getMessage(), e);
    } finally {
      if (proxy != null) {
        proxy.close();
      }
      origin.stop(0);
      Files.deleteIfExists(dir.resolve("bootstrap.yaml"));
      Files.deleteIfExists(dir);
    }
  }

  private static int request(int port, boolean post) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/train").toURL().openConnection();
    c.setConnectTimeout(5000);
    c.setReadTimeout(5000);
    if (post) {
      c.setRequestMethod("POST");
      c.setDoOutput(true);
      c.setChunkedStreamingMode(16 * 1024);
      try (OutputStream body = c.getOutputStream()) {
        for (int k = 0; k < 64; k++) {
          body.write(ONE_KB);
        }
      }
    }
    int status = c.getResponseCode();
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      if (in != null) {
        in.transferTo(OutputStream.nullOutputStream()); // read to the end, so the connection is reused
      }
    }
    return status;
  }

  /** The shape of the benchmark's and a sidecar's inbound path: one HTTP listener routing to a STATIC cluster. */
  static String bootstrap(int originPort) {
    return """
        node: {id: aot-training, cluster: aot-training}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
        static_resources:
          listeners:
          - name: training
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: training
                  codec_type: AUTO
                  route_config:
                    name: training
                    virtual_hosts:
                    - name: origin
                      domains: ["*"]
                      routes:
                      - match: {prefix: "/"}
                        route: {cluster: origin}
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
          clusters:
          - name: origin
            type: STATIC
            connect_timeout: 5s
            load_assignment:
              cluster_name: origin
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """
        .formatted(originPort);
  }
}
