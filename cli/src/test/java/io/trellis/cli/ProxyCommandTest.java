package io.trellis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trellis proxy}: flags, bootstrap errors, and stopping on /quitquitquit and on SIGTERM. */
class ProxyCommandTest {
  private final HttpClient http = HttpClient.newHttpClient();

  static String bootstrap(int adminPort, String regex) {
    return """
        node: {id: "sidecar~127.0.0.1~cmd.default~default.svc.cluster.local", cluster: cmd.default}
        admin: {address: {socket_address: {address: 127.0.0.1, port_value: %d}}}
        static_resources:
          listeners:
          - name: ingress
            address: {socket_address: {address: 127.0.0.1, port_value: 0}}
            filter_chains:
            - filters:
              - name: envoy.filters.network.http_connection_manager
                typed_config:
                  "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                  stat_prefix: ingress_http
                  route_config:
                    name: local
                    virtual_hosts:
                    - name: all
                      domains: ["*"]
                      routes:
                      - match: {safe_regex: {regex: "%s"}}
                        route: {cluster: backend}
                  http_filters:
                  - name: envoy.filters.http.router
                    typed_config: {"@type": type.googleapis.com/envoy.extensions.filters.http.router.v3.Router}
          clusters:
          - name: backend
            type: STATIC
            load_assignment:
              cluster_name: backend
              endpoints:
              - lb_endpoints:
                - endpoint: {address: {socket_address: {address: 127.0.0.1, port_value: 9}}}
        """
        .formatted(adminPort, regex);
  }

  private record Run(int exit, String out, String err) {}

  private static Run execute(String... args) {
    return execute(new StringWriter(), args);
  }

  /** With {@code err} given, a test can watch the command's log while it runs (StringWriter is synchronized). */
  private static Run execute(StringWriter err, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private HttpResponse<String> admin(int port, String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void needsExactlyOneSource() {
    assertThat(execute("proxy").exit()).isEqualTo(2);
    Run both = execute("proxy", "--bootstrap", "x.yaml", "--xds", "127.0.0.1:15010");
    assertThat(both.exit()).isEqualTo(2);
    assertThat(both.err()).contains("mutually exclusive");
  }

  @Test
  void xdsNeedsHostPortAndNamespace() {
    Run noNamespace = execute("proxy", "--xds", "127.0.0.1:15010");
    assertThat(noNamespace.exit()).isEqualTo(2);
    assertThat(noNamespace.err()).contains("--namespace: required with --xds");
    Run badAddress = execute("proxy", "--xds", "nowhere", "--namespace", "default");
    assertThat(badAddress.exit()).isEqualTo(2);
    assertThat(badAddress.err()).contains("--xds: 'nowhere' (expected: HOST:PORT)");
  }

  @Test
  void aBootstrapThatDoesNotValidateIsRejectedWithItsField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, bootstrap(FreePorts.pick(), "/api/(unclosed"));
    Run run = execute("proxy", "--bootstrap", file.toString());
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .startsWith("trellis proxy: " + file + ": static_resources.listeners[0] Listener [ingress] filter_chains[0] filters[0]"
            + " http_connection_manager route_config Virtual host [all] Route [#0] match safe_regex:")
        .contains("/api/(unclosed");

    Files.writeString(dir.resolve("unknown.yaml"), "static_resources: {clusters: [{name: a, tipe: STATIC}]}\n");
    Run unknown = execute("proxy", "--bootstrap", dir.resolve("unknown.yaml").toString());
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.err()).contains("tipe");
  }

  @Test
  void runsUntilQuitQuitQuit(@TempDir Path dir) throws Exception {
    int adminPort = FreePorts.pick();
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, bootstrap(adminPort, "/.*"));
    CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> execute("proxy", "--bootstrap", file.toString(), "--concurrency", "1"));
    try {
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> admin(adminPort, "GET", "/ready").statusCode() == 200);
      assertThat(admin(adminPort, "POST", "/quitquitquit").statusCode()).isEqualTo(200);
      Run done = run.get(20, TimeUnit.SECONDS);
      assertThat(done.exit()).isZero();
      assertThat(done.err()).contains("initial configuration applied: LIVE").contains("stopping (admin /quitquitquit)").contains(" stopped");
    } finally {
      if (!run.isDone()) {
        admin(adminPort, "POST", "/quitquitquit");
      }
    }
  }

  @Test
  void aotTrainingProxiesItsWorkloadThroughARealProxyAndExits() {
    Run run = execute("proxy", "--aot-training", "--concurrency", "1");
    assertThat(run.exit()).as(run.err()).isZero();
    int all = AotTraining.GETS + AotTraining.POSTS;
    assertThat(run.err()).contains("initial configuration applied: LIVE").contains("AOT training proxied " + all + " of " + all + " requests");
    assertThat(execute("proxy", "--aot-training", "--bootstrap", "x.yaml").exit()).as("one source only").isEqualTo(2);
  }

  @Test
  void xdsFlagsBecomeTheNodeIdentity() throws Exception {
    int adminPort = FreePorts.pick();
    int nobody = FreePorts.pick(); // no control plane there: the proxy keeps retrying with back-off
    StringWriter log = new StringWriter();
    CompletableFuture<Run> run =
        CompletableFuture.supplyAsync(
            () ->
                execute(
                    log,
                    "proxy", "--xds", "127.0.0.1:" + nobody, "--role", "gateway", "--namespace", "istio-system",
                    "--labels", "app=ingress,istio=ingressgateway", "--service-account", "ingress-sa", "--pod", "ingress-1",
                    "--ip", "10.0.0.9", "--admin-port", Integer.toString(adminPort), "--concurrency", "1"));
    try {
      await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> admin(adminPort, "GET", "/server_info").statusCode() == 200);
      // The admin server answers before the ADS client starts: a quit sent in between stops the proxy first.
      await().atMost(Duration.ofSeconds(20)).until(() -> log.toString().contains("ADS to 127.0.0.1:" + nobody));
      var info = new com.fasterxml.jackson.databind.ObjectMapper().readTree(admin(adminPort, "GET", "/server_info").body());
      assertThat(info.at("/node/id").asText()).isEqualTo("router~10.0.0.9~ingress-1.istio-system~istio-system.svc.cluster.local");
      assertThat(info.at("/node/metadata/LABELS/istio").asText()).isEqualTo("ingressgateway");
      assertThat(info.at("/node/metadata/SERVICE_ACCOUNT").asText()).isEqualTo("ingress-sa");
      assertThat(info.get("state").asText()).isEqualTo("PRE_INITIALIZING");
      assertThat(admin(adminPort, "GET", "/ready").statusCode()).isEqualTo(503);
    } finally {
      admin(adminPort, "POST", "/quitquitquit");
    }
    Run done = run.get(20, TimeUnit.SECONDS);
    assertThat(done.exit()).as(done.err()).isZero();
    assertThat(done.err()).contains("ADS to 127.0.0.1:" + nobody + " as router~10.0.0.9~ingress-1.istio-system");
  }

  @Test
  void aRealProcessStopsOnSigterm(@TempDir Path dir) throws Exception {
    int adminPort = FreePorts.pick();
    Path file = dir.resolve("ok.yaml");
    Files.writeString(file, bootstrap(adminPort, "/.*"));
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                javaBin.toString(), "-cp", System.getProperty("java.class.path"), Main.class.getName(), "proxy", "--bootstrap", file.toString(),
                "--concurrency", "1")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("proxy.log").toFile())
            .start();
    try {
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> admin(adminPort, "GET", "/ready").statusCode() == 200);
      process.destroy(); // SIGTERM
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
      String log = Files.readString(dir.resolve("proxy.log"), StandardCharsets.UTF_8);
      assertThat(log).contains("initial configuration applied: LIVE");
      // Nothing listens on the admin port any more.
      assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> admin(adminPort, "GET", "/ready"))).isInstanceOf(IOException.class);
    } finally {
      process.destroyForcibly();
    }
  }
}
