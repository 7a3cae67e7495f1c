package io.trellis.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.trellis.cli.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fifty configuration changes while four keep-alive clients send through the gateway: not one
 * request fails. The changes alternate between the VirtualService (which subset the route names:
 * a route update) and the DestinationRule (which endpoints a subset holds: an endpoint update), and
 * each one moves traffic to the other backend, so every change is seen to take effect.
 */
class GatewayChurnE2ETest {
  private static final int CHANGES = 50;
  private static final int CLIENTS = 4;
  /** Requests per second per client: 200 rps in all, steady, like the proxy's own churn test. */
  private static final int RATE = 50;

  @TempDir Path dir;
  private E2eMesh mesh;
  private int gatewayAdmin;

  private String service() {
    return mesh.fill("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: churn, namespace: default}
        spec:
          hosts: [churn.e2e.internal]
          location: MESH_INTERNAL
          ports: [{number: 80, name: http, protocol: HTTP}]
          resolution: STATIC
          endpoints:
          - {address: 127.0.0.1, ports: {http: ${V1_PORT}}, labels: {version: v1}}
          - {address: 127.0.0.1, ports: {http: ${V2_PORT}}, labels: {version: v2}}
        """);
  }

  private static String virtualService(String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: churn, namespace: default}
        spec:
          hosts: ["*"]
          gateways: [gw]
          http:
          - match: [{uri: {prefix: /churn}}]
            route: [{destination: {host: churn.e2e.internal, subset: %s}}]
        """.formatted(subset);
  }

  /** {@code primary} holds v1 and {@code secondary} v2, or the other way round when swapped. */
  private static String destinationRule(boolean swapped) {
    return """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: churn, namespace: default}
        spec:
          host: churn.e2e.internal
          subsets:
          - {name: primary, labels: {version: %s}}
          - {name: secondary, labels: {version: %s}}
        """.formatted(swapped ? "v2" : "v1", swapped ? "v1" : "v2");
  }

  private void start(boolean delta) throws Exception {
    mesh = new E2eMesh(dir);
    if (delta) {
      mesh.useDelta();
    }
    mesh.writeConfig("churn.yaml", service() + "---\n" + destinationRule(false) + "---\n" + virtualService("primary"));
    mesh.startControlPlane();
    gatewayAdmin = FreePorts.pick();
    mesh.startGateway(gatewayAdmin);
    mesh.awaitControlPlane();
    mesh.awaitGatewayRoute("/churn", "v1");
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  /** A counter from the gateway's admin {@code /stats} (Envoy's "name: value" lines). */
  private long gatewayStat(String name) throws Exception {
    java.net.http.HttpResponse<String> r =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + gatewayAdmin + "/stats"))
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body().lines()
        .filter(l -> l.startsWith(name + ": "))
        .mapToLong(l -> Long.parseLong(l.substring(name.length() + 2).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in the gateway's /stats"));
  }

  /**
   * On state of the world a route change re-sends the gateway's route configuration; on delta
   * (what {@code trellis up}'s proxies speak) it arrives as the one virtual host that changed, over
   * VHDS, and the proxy merges it into the route table it serves.
   */
  @ParameterizedTest(name = "delta ADS: {0}")
  @ValueSource(booleans = {false, true})
  void dropsNoRequestDuringFiftyChangesUnderLoad(boolean delta) throws Exception {
    start(delta);
    String subset = "primary";
    boolean swapped = false;
    List<Duration> convergence = new ArrayList<>();
    List<String> probeFailures = new ArrayList<>();
    List<Duration> applyCalls = new ArrayList<>();
    // Warm up the change path (this JVM's command classes, the control plane's API, translation
    // and push) with two untimed changes there and back, so the timed ones are not charged for
    // class loading and first compilation.
    for (String s : List.of("secondary", "primary")) {
      E2eMesh.Run warm = mesh.apply(mesh.scratchFile("warm-" + s + ".yaml", virtualService(s)));
      assertThat(warm.exit()).as(warm.err()).isZero();
      mesh.awaitGatewayRoute("/churn", s.equals("primary") ? "v1" : "v2");
    }
    long started = System.nanoTime();
    try (GatewayLoad load = new GatewayLoad("http://127.0.0.1:" + mesh.gatewayPort() + "/churn", CLIENTS, RATE, 10_000, Duration.ofSeconds(120))) {
      load.start();
      await("load flowing").atMost(Duration.ofSeconds(20)).until(() -> load.ok() >= 200);
      for (int i = 0; i < CHANGES; i++) {
        String file;
        if (i % 2 == 0) {
          subset = subset.equals("primary") ? "secondary" : "primary";
          file = virtualService(subset);
        } else {
          swapped = !swapped;
          file = destinationRule(swapped);
        }
        String target = (subset.equals("primary") != swapped) ? "v1" : "v2";
        Path path = mesh.scratchFile("change-" + i + ".yaml", file);
        long t0 = System.nanoTime();
        E2eMesh.Run run = mesh.apply(path);
        applyCalls.add(Duration.ofNanos(System.nanoTime() - t0));
        assertThat(run.exit()).as("change %d: %s", i, run.err()).isZero();
        final int change = i;
        convergence.add(
            Convergence.await("change " + i + " → " + target, t0, Duration.ofSeconds(10), () -> {
              E2eMesh.Reply r = mesh.gateway("/churn");
              if (r.status() / 100 != 2) {
                probeFailures.add("change " + change + ": HTTP " + r.status() + " " + r.body());
              }
              return r.body();
            }, target));
      }
      // Let the clients run on the last configuration for a moment, then stop them.
      long atEnd = load.sent();
      await("load after the last change").atMost(Duration.ofSeconds(20)).until(() -> load.sent() >= atEnd + 200);
      load.close();
      long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
      List<Long> ms = convergence.stream().map(Duration::toMillis).sorted().toList();
      System.out.printf(
          "[e2e] " + (delta ? "delta" : "sotw") + ": %d changes under load: %d requests sent by %d clients at %d rps each in %d s, %d ok, by backend %s, %d failures; "
              + "convergence ms min %d median %d p90 %d max %d; all %s; of which the apply call (ms) %s%n",
          CHANGES, load.sent(), CLIENTS, RATE, seconds, load.ok(), load.byBackend(), load.failures().size(),
          ms.getFirst(), ms.get(ms.size() / 2), ms.get(ms.size() * 9 / 10), ms.getLast(),
          convergence.stream().map(Duration::toMillis).toList(), applyCalls.stream().map(Duration::toMillis).toList());
      assertThat(load.failures()).as("failed requests (non-2xx or transport errors)\n" + mesh.diagnostics()).isEmpty();
      assertThat(probeFailures).isEmpty();
      assertThat(load.ok()).isEqualTo(load.sent());
      assertThat(load.byBackend().keySet()).containsExactlyInAnyOrder("v1", "v2");
      assertThat(ms.getLast()).as("slowest change to reach traffic, ms").isLessThanOrEqualTo(1000L);
      if (delta) {
        // the route changes really travelled over VHDS: the gateway applied virtual host updates
        assertThat(gatewayStat("http.vhds.update_success")).isGreaterThanOrEqualTo(CHANGES / 2);
      }
    }
  }
}
