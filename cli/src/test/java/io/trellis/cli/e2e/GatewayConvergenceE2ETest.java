package io.trellis.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.cli.FreePorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VirtualService change reaches the gateway's traffic within a second, whether it comes through
 * {@code trellis apply} or as a changed file in the watched directory (replaced by rename, as tools
 * do, or written in place, as a person does).
 */
class GatewayConvergenceE2ETest {
  private static final Duration BUDGET = Duration.ofSeconds(1);
  /** How many changes of each kind are timed (alternating destinations). */
  private static final int CHANGES = 3;

  @TempDir Path dir;
  private E2eMesh mesh;

  private static String vs(String name, String prefix, String host) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %s, namespace: default}
        spec:
          hosts: ["*"]
          gateways: [gw]
          http:
          - match: [{uri: {prefix: %s}}]
            route: [{destination: {host: %s}}]
        """.formatted(name, prefix, host);
  }

  @BeforeEach
  void start() throws Exception {
    mesh = new E2eMesh(dir);
    mesh.writeConfig("watched.yaml", vs("watched", "/watched", "a.e2e.internal"));
    mesh.startControlPlane();
    mesh.startGateway(FreePorts.pick());
    mesh.awaitControlPlane();
    mesh.awaitGatewayRoute("/flip", "a");
    mesh.awaitGatewayRoute("/watched", "a");
  }

  @AfterEach
  void stop() {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Test
  void followsAppliedAndRewrittenVirtualServicesWithinOneSecond() throws Exception {
    List<Duration> applied = new ArrayList<>();
    List<Duration> rewritten = new ArrayList<>();
    // Warm up the apply path (this JVM's command classes, the control plane's API) with an apply
    // that changes nothing, so the first timed change is not charged for class loading.
    E2eMesh.Run warm = mesh.apply(mesh.scratchFile("flip-unchanged.yaml", vs("flip", "/flip", "a.e2e.internal")));
    assertThat(warm.exit()).as(warm.err()).isZero();
    for (int i = 0; i < CHANGES; i++) {
      String target = i % 2 == 0 ? "b" : "a";
      Path file = mesh.scratchFile("flip-" + i + ".yaml", vs("flip", "/flip", target + ".e2e.internal"));
      long t0 = System.nanoTime();
      E2eMesh.Run run = mesh.apply(file);
      assertThat(run.exit()).as(run.err()).isZero();
      assertThat(run.out()).contains("VirtualService default/flip applied");
      applied.add(Convergence.await("apply #" + i + ": /flip → " + target, t0, Duration.ofSeconds(10), () -> mesh.gateway("/flip").body(), target));
      assertStaysOn("/flip", target);
    }
    for (int i = 0; i < CHANGES; i++) {
      String target = i % 2 == 0 ? "b" : "a";
      String text = vs("watched", "/watched", target + ".e2e.internal");
      long t0 = System.nanoTime();
      mesh.writeConfig("watched.yaml", text);
      rewritten.add(Convergence.await("rewrite #" + i + ": /watched → " + target, t0, Duration.ofSeconds(10), () -> mesh.gateway("/watched").body(), target));
      assertStaysOn("/watched", target);
    }
    // Also the way a person edits by hand (`cat > file`): the file is truncated and written in
    // place, so the watcher may read it empty or half written before it reads it whole.
    List<Duration> inPlace = new ArrayList<>();
    for (int i = 0; i < CHANGES; i++) {
      String target = i % 2 == 0 ? "a" : "b";
      String text = vs("watched", "/watched", target + ".e2e.internal");
      long t0 = System.nanoTime();
      Files.writeString(mesh.configDir().resolve("watched.yaml"), text, StandardCharsets.UTF_8);
      inPlace.add(Convergence.await("in-place write #" + i + ": /watched → " + target, t0, Duration.ofSeconds(10), () -> mesh.gateway("/watched").body(), target));
      assertStaysOn("/watched", target);
    }
    System.out.printf("[e2e] convergence through the gateway (ms): trellis apply %s, file replaced by rename %s, file written in place %s%n",
        applied.stream().map(Duration::toMillis).toList(), rewritten.stream().map(Duration::toMillis).toList(),
        inPlace.stream().map(Duration::toMillis).toList());
    assertThat(applied).as("trellis apply → traffic").allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(BUDGET));
    assertThat(rewritten).as("file replaced by rename → traffic").allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(BUDGET));
    assertThat(inPlace).as("file written in place → traffic").allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(BUDGET));
  }

  /** Once a change has landed, it stays: no request goes back to the old destination. */
  private void assertStaysOn(String path, String target) throws Exception {
    for (int i = 0; i < 20; i++) {
      E2eMesh.Reply r = mesh.gateway(path);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).as("request %d after %s converged", i, path).isEqualTo(target);
    }
  }
}
