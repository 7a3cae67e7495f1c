package io.trellis.cli.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.cli.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's AOT cache for {@code trellis proxy}, done by hand in real JVMs: {@code proxy
 * --aot-training} under {@code -XX:AOTCacheOutput} writes a cache from a jar-only class path with the
 * proxy profile's options, and a proxy started from that cache takes its own classes from it (the
 * JVM's class+load log says "shared objects file") and proxies a request.
 */
class ProxyAotCacheTest {
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  @TempDir Path tmp;

  @Test
  void aTrainingRunRecordsACacheThatAProxyStartsFrom() throws Exception {
    String classPath;
    try (ProxyRuntime runtime = new ProxyRuntime(System.getProperty("java.class.path"), tmp.resolve("cp"))) {
      classPath = runtime.classPath();
    }
    Path cache = tmp.resolve("proxy.aot");
    List<String> record = java(List.of("-XX:AOTCacheOutput=" + cache, "-Xlog:aot=error,cds=error"), classPath, "proxy", "--aot-training", "--concurrency", "1");
    Process training = new ProcessBuilder(record).redirectErrorStream(true).redirectOutput(tmp.resolve("training.log").toFile()).start();
    try {
      assertThat(training.waitFor(240, TimeUnit.SECONDS)).as("training and cache assembly finish").isTrue();
      String log = Files.readString(tmp.resolve("training.log"), StandardCharsets.UTF_8);
      assertThat(training.exitValue()).as(log).isZero();
      assertThat(cache).as(log).isNotEmptyFile();
    } finally {
      training.destroyForcibly();
    }

    int admin = FreePorts.pick();
    int listener = FreePorts.pick();
    Path bootstrap = tmp.resolve("bootstrap.yaml");
    Files.writeString(bootstrap, routeToAdmin(listener, admin));
    List<String> run =
        java(List.of("-XX:AOTCache=" + cache, "-Xlog:class+load=info:file=" + tmp.resolve("classes.log")), classPath, "proxy", "--bootstrap", bootstrap.toString(), "--concurrency", "1");
    Process proxy = new ProcessBuilder(run).redirectErrorStream(true).redirectOutput(tmp.resolve("proxy.log").toFile()).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener + "/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      String classes = Files.readString(tmp.resolve("classes.log"), StandardCharsets.UTF_8);
      assertThat(classes).contains("io.trellis.proxy.server.ProxyServer source: shared objects file");
      assertThat(classes).contains("io.trellis.proxy.bootstrap.BootstrapLoader source: shared objects file");
    } finally {
      proxy.destroy();
      if (!proxy.waitFor(20, TimeUnit.SECONDS)) {
        proxy.destroyForcibly();
      }
    }
  }

  /** {@code java PROFILE EXTRA -cp CP io.trellis.cli.Main ARGS}: the options the launcher gives the proxy. */
  private static List<String> java(List<String> extra, String classPath, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(JAVA);
    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
    cmd.addAll(ChildJava.profile());
    cmd.addAll(extra);
    cmd.addAll(List.of("-cp", classPath, ChildJava.MAIN_CLASS));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** A listener routing everything to the proxy's own admin server. */
  private static String routeToAdmin(int listenerPort, int adminPort) {
    return """
        node: {id: aot-test, cluster: aot-test}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        static_resources:
          listeners:
          - name: ingress
            address: {socket_address: {address: 127.0.0.1, port_value: %d}}
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
                        route: {cluster: admin}
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
          clusters:
          - name: admin
            type: STATIC
            load_assignment:
              cluster_name: admin
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        """
        .formatted(adminPort, listenerPort, adminPort);
  }
}
