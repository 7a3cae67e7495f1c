package io.trellis.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.cli.FreePorts;
import java.nio.file.Path;
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
 * A sidecar and a gateway on one control plane: the sidecar routes {@code Host: reviews} by the
 * VirtualService's header match, {@code trellis proxy-status} shows both proxies in sync, and an
 * invalid VirtualService — sent with {@code trellis apply}, or written into the watched directory —
 * is refused with its validation message while traffic keeps following the last good
 * configuration.
 */
class SidecarAndStatusE2ETest {
  @TempDir Path dir;
  private E2eMesh mesh;

  @BeforeEach
  void start() throws Exception {
    mesh = new E2eMesh(dir);
    mesh.startControlPlane();
    mesh.startGateway(FreePorts.pick());
    mesh.startSidecar(FreePorts.pick());
    mesh.awaitControlPlane();
    mesh.awaitGatewayRoute("/a", "a");
    mesh.awaitOrExplain("sidecar routes Host: reviews", () -> reviews(1, Optional.empty()).equals(Map.of("reviews-v1", 1)));
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  /** {@code n} requests by curl to the sidecar's egress listener for reviews; where each landed. */
  private Map<String, Integer> reviews(int n, Optional<String> endUser) throws Exception {
    List<String> headers = endUser.map(u -> List.of("Host: reviews", "end-user: " + u)).orElse(List.of("Host: reviews"));
    Map<String, Integer> landed = new TreeMap<>();
    for (Curl.Transfer t : Curl.get("http://127.0.0.1:" + mesh.reviewsPort() + "/reviews/[1-" + n + "]", headers)) {
      landed.merge(t.status() == 200 ? t.body() : "HTTP " + t.status(), 1, Integer::sum);
    }
    return landed;
  }

  @Test
  void sidecarRoutesReviewsByTheEndUserHeader() throws Exception {
    assertThat(reviews(50, Optional.empty())).as(mesh.diagnostics()).isEqualTo(Map.of("reviews-v1", 50));
    assertThat(reviews(50, Optional.of("jason"))).isEqualTo(Map.of("reviews-v2", 50));
    assertThat(reviews(50, Optional.of("jason2"))).as("exact match only").isEqualTo(Map.of("reviews-v1", 50));
  }

  @Test
  void proxyStatusShowsBothProxiesSyncedAndInvalidConfigChangesNothing() throws Exception {
    mesh.awaitOrExplain(
        "both proxies SYNCED for CDS, LDS, EDS and RDS",
        () -> {
          Map<String, List<String>> rows = statusRows();
          return List.of("SYNCED", "SYNCED", "SYNCED", "SYNCED").equals(rows.get(E2eMesh.GATEWAY_ID))
              && List.of("SYNCED", "SYNCED", "SYNCED", "SYNCED").equals(rows.get(E2eMesh.SIDECAR_ID));
        });
    E2eMesh.Run status = mesh.proxyStatus();
    System.out.println("[e2e] trellis proxy-status:\n" + status.out());
    assertThat(status.out()).doesNotContain("NACKED");

    Path bad = mesh.scratchFile("reviews-bad.yaml", """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route:
            - {destination: {host: reviews, subset: v2}, weight: -5}
            - {destination: {host: reviews, subset: v1}, weight: 105}
        """);
    E2eMesh.Run rejected = mesh.apply(bad);
    System.out.println("[e2e] trellis apply of an invalid VirtualService: exit " + rejected.exit() + "\n" + rejected.err());
    assertThat(rejected.exit()).isEqualTo(1);
    assertThat(rejected.out()).doesNotContain("applied");
    assertThat(rejected.err())
        .contains("trellis apply: " + bad + " rejected; nothing in it was applied")
        .contains("VirtualService default/reviews")
        .contains("spec.http[0].route[0].weight")
        .contains("-5");

    // The last good routing keeps serving, on both proxies, and they stay in sync.
    assertThat(reviews(50, Optional.empty())).isEqualTo(Map.of("reviews-v1", 50));
    assertThat(reviews(50, Optional.of("jason"))).isEqualTo(Map.of("reviews-v2", 50));
    List<Curl.Transfer> gateway = Curl.get("http://127.0.0.1:" + mesh.gatewayPort() + "/b/[1-20]", List.of());
    assertThat(gateway).hasSize(20).allSatisfy(t -> assertThat(t).isEqualTo(new Curl.Transfer("b", 200)));
    Map<String, List<String>> after = statusRows();
    assertThat(after.get(E2eMesh.GATEWAY_ID)).containsOnly("SYNCED");
    assertThat(after.get(E2eMesh.SIDECAR_ID)).containsOnly("SYNCED");

    // The same mistake in the watched directory: the file is rejected whole, proxy-status says so
    // with file, line and field, and its last good version stays in force.
    String good = "route: [{destination: {host: reviews, subset: v2}}]";
    String mesh0 = mesh.template("mesh.yaml");
    assertThat(mesh0).contains(good);
    mesh.writeConfig("mesh.yaml", mesh0.replace(good, "route: [{destination: {host: reviews, subset: v2}, weight: -5}]"));
    mesh.awaitOrExplain("proxy-status lists the rejected file", () -> mesh.proxyStatus().out().contains("Rejected configuration"));
    String listed = mesh.proxyStatus().out();
    System.out.println("[e2e] trellis proxy-status after an invalid file:\n" + listed);
    assertThat(listed).contains("mesh.yaml:").contains("VirtualService default/reviews").contains("weight");
    assertThat(reviews(50, Optional.empty())).isEqualTo(Map.of("reviews-v1", 50));
    assertThat(reviews(50, Optional.of("jason"))).isEqualTo(Map.of("reviews-v2", 50));
    assertThat(Curl.get("http://127.0.0.1:" + mesh.gatewayPort() + "/a/[1-20]", List.of()))
        .hasSize(20)
        .allSatisfy(t -> assertThat(t).isEqualTo(new Curl.Transfer("a", 200)));
  }

  /** {@code trellis proxy-status}'s table: node id → the CDS, LDS, EDS and RDS columns. */
  private Map<String, List<String>> statusRows() {
    E2eMesh.Run run = mesh.proxyStatus();
    assertThat(run.exit()).as(run.err()).isZero();
    String[] lines = run.out().split("\n");
    List<String> header = Arrays.asList(lines[0].trim().split("\\s{2,}"));
    int cds = header.indexOf("CDS");
    assertThat(cds).as("header %s", header).isPositive();
    Map<String, List<String>> rows = new TreeMap<>();
    for (int i = 1; i < lines.length && !lines[i].isBlank(); i++) {
      String[] cells = lines[i].trim().split("\\s{2,}");
      if (cells.length >= cds + 4) {
        rows.put(cells[0], List.of(cells[cds], cells[cds + 1], cells[cds + 2], cells[cds + 3]));
      }
    }
    return rows;
  }
}
