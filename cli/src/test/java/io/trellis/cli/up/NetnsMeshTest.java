package io.trellis.cli.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trellis up samples/bookinfo --isolation netns}: every pod in its own network namespace
 * with iptables capture, as on Kubernetes. Besides Bookinfo and Istio's tasks, a program that knows
 * nothing of the mesh (curl inside a pod's namespace) reaches a service by its Kubernetes name
 * through the sidecar, and stopping leaves no process, namespace, link, rule or {@code /etc/netns}
 * entry behind. Needs Linux and root.
 */
class NetnsMeshTest extends BookinfoMeshContract {
  @TempDir static Path work;
  String hostNatRulesBefore;

  @BeforeAll
  void up() throws Exception {
    assumeThat(System.getProperty("os.name")).containsIgnoringCase("linux");
    assumeThat(Files.getAttribute(Path.of("/proc/self"), "unix:uid")).as("root").isEqualTo(0);
    assumeThat(Path.of("/sys/class/net/trellis0")).as("no other netns mesh running").doesNotExist();
    hostNatRulesBefore = rules();
    started = System.nanoTime();
    mesh = LocalMeshProcess.start(work, "netns");
  }

  @AfterAll
  void down() throws Exception {
    if (mesh != null) {
      mesh.close();
      // Only if this test's mesh failed to clean up after itself (setup checked nothing was there).
      for (String line : run("ip", "netns", "list").lines().toList()) {
        String name = line.split("\\s+")[0];
        if (name.startsWith("trellis-")) {
          new ProcessBuilder("ip", "netns", "del", name).start().waitFor(10, TimeUnit.SECONDS);
        }
      }
      if (Files.exists(Path.of("/sys/class/net/trellis0"))) {
        new ProcessBuilder("ip", "link", "del", "trellis0").start().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Override
  String isolation() {
    return "netns";
  }

  @Override
  void assertBanner(String output) {
    assertThat(output).contains("isolation        netns", "10.250.0.");
  }

  @Test
  @Order(20)
  void curlInsideAPodReachesReviewsByNameThroughItsSidecar() throws Exception {
    JsonNode productpage = BookinfoMeshTasks.podNamed(mesh, "productpage-");
    String netns = productpage.path("netns").asText();
    assertThat(netns).startsWith("trellis-");
    String admin = productpage.path("admin").asText();
    String stat = "cluster.outbound|9080||reviews.default.svc.cluster.local.upstream_rq_total";
    long before = counter(admin, stat);
    for (String name : List.of("reviews", "reviews.default", "reviews.default.svc.cluster.local")) {
      String body = run("ip", "netns", "exec", netns, "curl", "-sS", "--max-time", "20", "http://" + name + ":9080/reviews/0");
      assertThat(BookinfoMeshTasks.podVersion(body)).as("curl http://%s:9080/reviews/0 → %s", name, body).startsWith("v");
    }
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .untilAsserted(() -> assertThat(counter(admin, stat)).as(stat).isGreaterThanOrEqualTo(before + 3));
  }

  @Test
  @Order(90)
  void sigtermLeavesNothingBehind() throws Exception {
    assertThat(mesh.upState()).isNotNull();
    var pids = mesh.seenPids();
    assertThat(pids.size()).isGreaterThanOrEqualTo(13);
    assertThat(mesh.terminate(Duration.ofSeconds(90))).as("trellis up exits after SIGTERM").isTrue();
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("process %d still alive", pid).isFalse();
    }
    assertThat(run("ip", "netns", "list")).doesNotContain("trellis-");
    assertThat(run("ip", "-o", "link", "show")).doesNotContain("trellis0").doesNotContain("trv");
    assertThat(rules()).as("host iptables rules").isEqualTo(hostNatRulesBefore);
    try (Stream<Path> etc = Files.exists(Path.of("/etc/netns")) ? Files.list(Path.of("/etc/netns")) : Stream.empty()) {
      assertThat(etc.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("trellis-")).toList()).isEmpty();
    }
  }

  /** The host's iptables rules without comments and counters. */
  private static String rules() throws Exception {
    StringBuilder b = new StringBuilder();
    for (String line : run("iptables-save").lines().toList()) {
      if (!line.startsWith("#")) {
        b.append(line.replaceAll("\\[\\d+:\\d+\\]", "")).append('\n');
      }
    }
    return b.toString();
  }

  private static long counter(String admin, String name) throws Exception {
    String stats = run("curl", "-sS", "--max-time", "10", admin + "/stats");
    return stats.lines().filter(l -> l.startsWith(name + ":")).mapToLong(l -> Long.parseLong(l.substring(l.indexOf(':') + 1).strip())).findFirst().orElse(0);
  }

  static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
      assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
      return out;
    } finally {
      p.destroyForcibly();
    }
  }
}
