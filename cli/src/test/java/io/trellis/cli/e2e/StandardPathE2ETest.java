package io.trellis.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trellis.cli.FreePorts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path a user takes, with no test-only launcher: {@code trellis control-plane} (the standard
 * translation, Istio's HTTP filter chain cors → fault → router unmarked) and a gateway started as
 * {@code trellis proxy --xds … --role gateway} (its own bootstrap, no local-mesh metadata). The
 * gateway accepts everything (proxy-status SYNCED, no NACK), routes curl's requests by the
 * VirtualService, follows a {@code trellis apply} within a second, binds only the Gateway's
 * loopback listener, and the listener it ACKed runs the cors, fault and router filters — as the
 * control plane reports it ({@code trellis proxy-config}) and as the gateway's own {@code
 * /config_dump} prints it, Istio's default retry policy (the previous_hosts predicate) included.
 */
class StandardPathE2ETest {
  private static final Duration BUDGET = Duration.ofSeconds(1);
  private static final List<String> SYNCED = List.of("SYNCED", "SYNCED", "SYNCED", "SYNCED");

  @TempDir Path dir;
  private E2eMesh mesh;
  private int adminPort;

  @BeforeEach
  void start() throws Exception {
    mesh = new E2eMesh(dir);
    adminPort = FreePorts.pick();
    mesh.startStandardControlPlane();
    mesh.startStandardGateway(adminPort);
    mesh.awaitControlPlane();
    mesh.awaitGatewayRoute("/a", "a");
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void gatewayOnTheStandardPathIsSyncedRoutesFollowsApplyAndRunsTheIstioFilterChain() throws Exception {
    // 1. proxy-status: the gateway (its id is the command's own: router~IP~HOST.istio-system~…) is
    // SYNCED on every type, nothing NACKed.
    mesh.awaitOrExplain("the gateway SYNCED for CDS, LDS, EDS and RDS", () -> gatewayRow().map(r -> r.subList(1, 5)).filter(SYNCED::equals).isPresent());
    E2eMesh.Run status = mesh.proxyStatus();
    System.out.println("[e2e standard] trellis proxy-status:\n" + status.out());
    assertThat(status.exit()).as(status.err()).isZero();
    assertThat(status.out()).as(mesh.diagnostics()).doesNotContainIgnoringCase("NACK");

    // 2. curl through the gateway: by path, and 20/80 by weight.
    String base = "http://127.0.0.1:" + mesh.gatewayPort();
    assertThat(Curl.get(base + "/a/page", List.of())).as(mesh.diagnostics()).containsExactly(new Curl.Transfer("a", 200));
    assertThat(Curl.get(base + "/b/page", List.of())).as(mesh.diagnostics()).containsExactly(new Curl.Transfer("b", 200));
    long before = mesh.backend("a").served() + mesh.backend("b").served();
    assertThat(Curl.get(base + "/c", List.of()).getFirst().status()).isEqualTo(404);
    assertThat(mesh.backend("a").served() + mesh.backend("b").served()).isEqualTo(before);
    List<Curl.Transfer> split = Curl.get(base + "/split/[1-500]", List.of());
    assertThat(split).hasSize(500);
    Map<String, Integer> landed = new TreeMap<>();
    for (Curl.Transfer t : split) {
      assertThat(t.status()).as("status of %s", t).isEqualTo(200);
      landed.merge(t.body(), 1, Integer::sum);
    }
    System.out.printf("[e2e standard] gateway 20/80 split over 500 curl requests: %s%n", landed);
    assertThat(landed.keySet()).containsExactlyInAnyOrder("v1", "v2");
    assertThat(landed.get("v1")).as("v1 share of 500 (20%% ± 5%%): %s", landed).isBetween(75, 125);
    assertThat(landed.get("v2")).isEqualTo(500 - landed.get("v1"));

    // 3. trellis apply of a changed VirtualService reaches traffic within a second.
    E2eMesh.Run warm = mesh.apply(mesh.scratchFile("flip-unchanged.yaml", flip("a")));
    assertThat(warm.exit()).as(warm.err()).isZero();
    mesh.awaitGatewayRoute("/flip", "a");
    List<Duration> applied = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String target = i % 2 == 0 ? "b" : "a";
      Path file = mesh.scratchFile("flip-" + i + ".yaml", flip(target));
      long t0 = System.nanoTime();
      E2eMesh.Run run = mesh.apply(file);
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("VirtualService default/flip applied");
      applied.add(Convergence.await("apply #" + i + ": /flip → " + target, t0, Duration.ofSeconds(10), () -> mesh.gateway("/flip").body(), target));
      for (int j = 0; j < 20; j++) {
        assertThat(mesh.gateway("/flip").body()).as("request %d after apply #%d converged", j, i).isEqualTo(target);
      }
    }
    System.out.printf("[e2e standard] trellis apply → gateway traffic (ms): %s%n", applied.stream().map(Duration::toMillis).toList());
    assertThat(applied).as("trellis apply → traffic").allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(BUDGET));

    // 4. The gateway bound the Gateway's listener on loopback and nothing else (no 0.0.0.0:15001 or
    // :15006: those are the sidecar's capture listeners), and the listener it ACKed runs Istio's HTTP
    // filter chain, in Istio's order, both as sent and as the gateway's own /config_dump shows it.
    String listeners = admin("/listeners");
    System.out.printf("[e2e standard] gateway /listeners: %s%n", listeners.strip());
    assertThat(listeners.strip().lines().toList())
        .containsExactly("127.0.0.1_" + mesh.gatewayPort() + "::127.0.0.1:" + mesh.gatewayPort());
    String id = gatewayRow().orElseThrow().getFirst();
    E2eMesh.Run config = E2eMesh.trellis("proxy-config", "listeners", id, "-o", "json", "--state-dir", mesh.stateDir().toString());
    assertThat(config.exit()).as(config.err()).isZero();
    List<String> filters = httpFilters(new ObjectMapper().readTree(config.out()), mesh.gatewayPort());
    System.out.printf("[e2e standard] gateway listener :%d http_filters (trellis proxy-config, ACKed): %s%n", mesh.gatewayPort(), filters);
    assertThat(filters).containsExactly("envoy.filters.http.cors", "envoy.filters.http.fault", "envoy.filters.http.router");
    JsonNode dump = new ObjectMapper().readTree(admin("/config_dump"));
    List<String> dumped = new ArrayList<>();
    for (JsonNode section : dump.path("configs")) {
      for (JsonNode listener : section.path("dynamic_listeners")) {
        for (JsonNode chain : listener.path("active_state").path("listener").path("filter_chains")) {
          for (JsonNode filter : chain.path("filters")) {
            filter.path("typed_config").path("http_filters").forEach(f -> dumped.add(f.path("name").asText()));
          }
        }
      }
    }
    assertThat(dumped).as("http_filters in the gateway's /config_dump").isEqualTo(filters);
    assertThat(dump.toString()).contains("envoy.retry_host_predicates.previous_hosts", "\"version_info\"");

    // Still nothing NACKed after the changes.
    assertThat(gatewayRow().orElseThrow().subList(1, 5)).isEqualTo(SYNCED);
    assertThat(mesh.proxyStatus().out()).doesNotContainIgnoringCase("NACK");
  }

  private static String flip(String target) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: flip, namespace: default}
        spec:
          hosts: ["*"]
          gateways: [gw]
          http:
          - match: [{uri: {prefix: /flip}}]
            route: [{destination: {host: %s.e2e.internal}}]
        """.formatted(target);
  }

  /**
   * The gateway's row in {@code trellis proxy-status}'s table, if listed: its id (the command's own,
   * {@code router~127.0.0.1~HOST.istio-system~istio-system.svc.cluster.local}), then the CDS, LDS,
   * EDS and RDS cells.
   */
  private Optional<List<String>> gatewayRow() {
    E2eMesh.Run run = mesh.proxyStatus();
    assertThat(run.exit()).as(run.err()).isZero();
    String[] lines = run.out().split("\n");
    List<String> header = Arrays.asList(lines[0].trim().split("\\s{2,}"));
    int cds = header.indexOf("CDS");
    assertThat(cds).as("header %s", header).isPositive();
    for (int i = 1; i < lines.length && !lines[i].isBlank(); i++) {
      String[] cells = lines[i].trim().split("\\s{2,}");
      if (cells[0].startsWith("router~127.0.0.1~") && cells[0].contains(".istio-system~") && cells.length >= cds + 4) {
        return Optional.of(List.of(cells[0], cells[cds], cells[cds + 1], cells[cds + 2], cells[cds + 3]));
      }
    }
    return Optional.empty();
  }

  /** {@code GET path} on the gateway's admin port. */
  private String admin(String path) throws Exception {
    try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path)).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      return r.body();
    }
  }

  /**
   * The names of the HTTP filters of the listener on {@code port}, from {@code trellis proxy-config
   * listeners -o json} (an array of Envoy Listeners in proto3 JSON: filterChains[].filters[] →
   * typedConfig.httpFilters[]).
   */
  private static List<String> httpFilters(JsonNode listeners, int port) {
    List<String> names = new ArrayList<>();
    boolean found = false;
    for (JsonNode listener : listeners) {
      if (listener.path("address").path("socketAddress").path("portValue").asInt() != port) {
        continue;
      }
      found = true;
      for (JsonNode chain : listener.path("filterChains")) {
        for (JsonNode filter : chain.path("filters")) {
          for (JsonNode http : filter.path("typedConfig").path("httpFilters")) {
            names.add(http.path("name").asText());
          }
        }
      }
    }
    assertThat(found).as("a listener on port %d in:\n%s", port, listeners.toPrettyString()).isTrue();
    return names;
  }
}
