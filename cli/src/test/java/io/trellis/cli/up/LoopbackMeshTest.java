package io.trellis.cli.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trellis up samples/bookinfo} in the default loopback isolation, as a real child JVM with
 * every pod and sidecar a real process: Bookinfo through the ingress gateway, Istio's tasks,
 * watching the directory, an app's restart, and a stop that leaves no process behind.
 */
class LoopbackMeshTest extends BookinfoMeshContract {
  @TempDir static Path work;

  @BeforeAll
  void up() throws Exception {
    started = System.nanoTime();
    mesh = LocalMeshProcess.start(work, "loopback");
  }

  @AfterAll
  void down() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
  }

  @Override
  String isolation() {
    return "loopback";
  }

  @Override
  void assertBanner(String output) {
    assertThat(output).contains("POD", "reviews-v2-", "http://127.0.0.1:" + mesh.ingressPort, "isolation        loopback");
  }

  @Test
  @Order(20)
  void proxyStatusShowsEveryProxySynced() {
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
      String[] r = mesh.trellis("proxy-status");
      assertThat(r[0]).isEqualTo("0");
      assertThat(r[1].lines().filter(l -> l.contains("SIDECAR") && l.contains("SYNCED")).count()).isEqualTo(6);
      assertThat(r[1]).contains("ROUTER");
      // the mesh's proxies speak delta ADS, so their virtual hosts come over VHDS: CDS, LDS, EDS,
      // RDS and VHDS all SYNCED on every proxy
      assertThat(r[1].lines().findFirst().orElseThrow()).contains("VHDS");
      assertThat(r[1].lines().filter(l -> l.contains("SIDECAR") || l.contains("ROUTER")))
          .hasSize(7)
          .allSatisfy(l -> assertThat(l.split("SYNCED", -1).length - 1).as(l).isEqualTo(5));
    });
  }

  @Test
  @Order(60)
  void aChangedFileInTheDirectoryReroutes() throws Exception {
    // The applied VirtualService (API) overrides files; remove it so the file's version counts.
    String[] r = mesh.trellis("delete", "-f", LocalMeshProcess.bookinfo().resolve("networking/virtual-service-reviews-v2-v3.yaml").toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    long t0 = System.nanoTime();
    Files.copy(LocalMeshProcess.bookinfo().resolve("networking/virtual-service-reviews-v3.yaml"), mesh.dir.resolve("reviews-v3.yaml"));
    BookinfoMeshTasks.awaitVersion(mesh, null, "v3");
    System.out.println("loopback: a VirtualService file written into DIR routed all traffic after " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
  }

  @Test
  @Order(70)
  void aChangedDeploymentRollsItsPods() throws Exception {
    JsonNode before = BookinfoMeshTasks.podNamed(mesh, "details-");
    String manifest = Files.readString(mesh.dir.resolve("bookinfo.yaml"));
    String changed = manifest.replace("\"-jar\", \"target/trellis-bookinfo.jar\", \"details\"]",
        "\"-jar\", \"target/trellis-bookinfo.jar\", \"details\"]\n        env:\n        - name: ROLLED\n          value: \"yes\"");
    assertThat(changed).isNotEqualTo(manifest);
    Files.writeString(mesh.dir.resolve("bookinfo.yaml"), changed);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
      JsonNode now = BookinfoMeshTasks.podNamed(mesh, "details-");
      return !now.path("name").asText().equals(before.path("name").asText()) && now.path("appPid").asLong() > 0;
    });
    long oldPid = before.path("appPid").asLong();
    await().atMost(Duration.ofSeconds(15)).until(() -> ProcessHandle.of(oldPid).map(h -> !h.isAlive()).orElse(true));
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> mesh.get("/productpage", null).body().contains("ISBN-10"));
  }

  @Test
  @Order(90)
  void ctrlCStopsEverythingByPid() throws Exception {
    assertThat(mesh.upState()).isNotNull();
    var pids = mesh.seenPids();
    assertThat(pids.size()).isGreaterThanOrEqualTo(13);
    assertThat(mesh.interrupt(Duration.ofSeconds(90))).as("trellis up exits after SIGINT").isTrue();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process %d still alive", pid).isFalse();
    }
    assertThat(mesh.output()).contains("trellis up: stopped");
    assertThat(mesh.state.resolve("up.json")).doesNotExist();
    assertThat(mesh.state.resolve("control-plane.json")).doesNotExist();
  }
}
