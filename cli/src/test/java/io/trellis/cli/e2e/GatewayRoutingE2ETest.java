package io.trellis.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.cli.FreePorts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway configured by the control plane sends curl's requests where the VirtualService says:
 * by path to two services, and 20/80 by weight between two subsets of a third.
 */
class GatewayRoutingE2ETest {
  @TempDir Path dir;
  private E2eMesh mesh;

  @BeforeEach
  void start() throws Exception {
    mesh = new E2eMesh(dir);
    mesh.startControlPlane();
    mesh.startGateway(FreePorts.pick());
    mesh.awaitControlPlane();
    mesh.awaitGatewayRoute("/a", "a");
  }

  @AfterEach
  void stop() {
    mesh.close();
  }

  @Test
  void routesByPathAndSplitsTwentyEightyOverAThousandRequests() throws Exception {
    String base = "http://127.0.0.1:" + mesh.gatewayPort();
    assertThat(Curl.get(base + "/a/page", List.of())).as(mesh.diagnostics()).containsExactly(new Curl.Transfer("a", 200));
    assertThat(Curl.get(base + "/b/page", List.of())).as(mesh.diagnostics()).containsExactly(new Curl.Transfer("b", 200));
    // No route for /c: the gateway answers itself, nothing reaches a backend.
    long before = mesh.backend("a").served() + mesh.backend("b").served();
    assertThat(Curl.get(base + "/c", List.of()).getFirst().status()).isEqualTo(404);
    assertThat(mesh.backend("a").served() + mesh.backend("b").served()).isEqualTo(before);

    // 1000 requests from one curl over one keep-alive connection; each is weighted on its own.
    List<Curl.Transfer> split = Curl.get(base + "/split/[1-1000]", List.of());
    assertThat(split).hasSize(1000);
    Map<String, Integer> landed = new TreeMap<>();
    for (Curl.Transfer t : split) {
      assertThat(t.status()).as("status of %s", t).isEqualTo(200);
      landed.merge(t.body(), 1, Integer::sum);
    }
    System.out.printf("[e2e] gateway 20/80 split over 1000 curl requests: %s%n", landed);
    assertThat(landed.keySet()).containsExactlyInAnyOrder("v1", "v2");
    assertThat(landed.get("v1")).as("v1 share of 1000 (20%% ± 5%%): %s", landed).isBetween(150, 250);
    assertThat(landed.get("v2")).isEqualTo(1000 - landed.get("v1"));
  }
}
