package io.trellis.proxy.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.bootstrap.BootstrapLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxy configured only by static resources never loads the ADS client or gRPC: they cost class
 * metadata (memory) and start-up time a proxy without {@code dynamic_resources} does not need. Checked
 * in a fresh JVM (this one has loaded everything the other tests use) with the JVM's own class-load
 * log, while that proxy serves a request from a real origin.
 */
class StaticBootstrapClassLoadingTest {
  @TempDir Path tmp;

  @Test
  void aStaticBootstrapLoadsNeitherTheAdsClientNorGrpc() throws Exception {
    Path log = tmp.resolve("classes.log");
    Path out = tmp.resolve("out.log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-Xlog:class+load=info:file=" + log,
                "-cp",
                System.getProperty("java.class.path"),
                StaticProxy.class.getName(),
                tmp.toString())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    try {
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the child proxy finishes").isTrue();
      String output = Files.readString(out, StandardCharsets.UTF_8);
      assertThat(child.exitValue()).as(output).isZero();
      assertThat(output).contains("proxied: 200");
    } finally {
      child.destroyForcibly();
    }
    List<String> loaded = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertThat(loaded).as("the log lists the proxy's classes").anyMatch(l -> l.contains(" io.trellis.proxy.server.ProxyServer "));
    assertThat(loaded)
        .as("no gRPC and no ADS client for a static bootstrap")
        .noneMatch(l -> l.contains(" io.grpc."))
        // (AdsClient.Listener, an interface ProxyServer's ADS callbacks implement, is loaded to verify ProxyServer.)
        .noneMatch(l -> l.contains(" io.trellis.proxy.xds.AdsClient "))
        .noneMatch(l -> l.contains(" io.trellis.proxy.xds.AdsClient$Stream"));
  }

  /** The child: a proxy from a static bootstrap file, one request through it to a loopback origin, stop. */
  public static final class StaticProxy {
    public static void main(String[] args) throws Exception {
      Path dir = Path.of(args[0]);
      com.sun.net.httpserver.HttpServer origin =
          com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
      origin.createContext(
          "/",
          exchange -> {
            try (exchange) {
              exchange.sendResponseHeaders(200, 2);
              exchange.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
            }
          });
      origin.start();
      Path file = dir.resolve("bootstrap.yaml");
      Files.writeString(file, bootstrap(origin.getAddress().getPort()));
      ProxyServer proxy = ProxyServer.start(BootstrapLoader.load(file), file.toString(), ProxyServer.Options.defaults().withConcurrency(1));
      try {
        System.out.println("proxied: " + get(proxy.listenerPort("ingress")));
      } finally {
        proxy.close();
        origin.stop(0);
      }
    }

    private static int get(int port) throws IOException {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/").toURL().openConnection();
      c.setConnectTimeout(5000);
      c.setReadTimeout(5000);
      int status = c.getResponseCode();
      try (InputStream in = c.getInputStream()) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      return status;
    }

    private static String bootstrap(int originPort) {
      return """
          node: {id: static-only, cluster: static-only}
          admin: {address: {socket_address: {address: 127.0.0.1, port_value: 0}}}
          static_resources:
            listeners:
            - name: ingress
              address: {socket_address: {address: 127.0.0.1, port_value: 0}}
              filter_chains:
              - filters:
                - name: envoy.filters.network.http_connection_manager
                  typed_config:
                    "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                    stat_prefix: ingress
                    route_config:
                      name: local
                      virtual_hosts:
                      - name: all
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
              load_assignment:
                cluster_name: origin
                endpoints:
                - lb_endpoints:
                  - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
          """
          .formatted(originPort);
    }
  }
}
