package io.trellis.cli.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Istio's Bookinfo tasks against a running local mesh, shared by the loopback and netns tests:
 * each applies the task's file with {@code trellis apply -f} and checks Istio's documented result
 * through the ingress gateway, as a user would see it.
 */
final class BookinfoMeshTasks {
  /** Generous: this is 13 JVMs starting at once on 2 shared cores; the figure is printed. */
  static final Duration STARTUP = Duration.ofSeconds(150);

  private BookinfoMeshTasks() {}

  /** Waits for the first 200 from /productpage; returns how long it took from the mesh's start. */
  static Duration awaitProductPage(LocalMeshProcess mesh, long startNanos) {
    await().atMost(STARTUP).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .failFast("trellis up exited", () -> !mesh.process.isAlive())
        .until(() -> mesh.get("/productpage", null).statusCode() == 200);
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  /** Over repeated loads (at most 60), reviews come from v1, v2 and v3. */
  static Map<String, Integer> allThreeVersions(LocalMeshProcess mesh) throws Exception {
    Map<String, Integer> seen = new TreeMap<>();
    for (int i = 0; i < 60 && seen.size() < 3; i++) {
      HttpResponse<String> r = mesh.get("/productpage", null);
      assertThat(r.statusCode()).isEqualTo(200);
      seen.merge(LocalMeshProcess.version(LocalMeshProcess.reviewsPod(r.body())), 1, Integer::sum);
    }
    assertThat(seen.keySet()).as("review versions over repeated loads").containsExactly("v1", "v2", "v3");
    return seen;
  }

  /** Waits until {@code n} loads in a row satisfy {@code expectedVersion} (the push has landed everywhere). */
  static void awaitVersion(LocalMeshProcess mesh, String cookie, String expectedVersion) {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
      for (int i = 0; i < 5; i++) {
        if (!expectedVersion.equals(LocalMeshProcess.version(LocalMeshProcess.reviewsPod(mesh.get("/productpage", cookie).body())))) {
          return false;
        }
      }
      return true;
    });
  }

  /** virtual-service-all-v1: every load shows v1. */
  static void allV1(LocalMeshProcess mesh) throws Exception {
    mesh.apply("destination-rule-all.yaml");
    mesh.apply("virtual-service-all-v1.yaml");
    awaitVersion(mesh, null, "v1");
    for (int i = 0; i < 30; i++) {
      HttpResponse<String> r = mesh.get("/productpage", null);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(LocalMeshProcess.version(LocalMeshProcess.reviewsPod(r.body()))).as("load %d", i).isEqualTo("v1");
    }
  }

  /** virtual-service-reviews-test-v2: jason sees v2 (black stars), everyone else v1. */
  static void jasonSeesV2(LocalMeshProcess mesh) throws Exception {
    mesh.apply("virtual-service-reviews-test-v2.yaml");
    String jason = mesh.login("jason");
    awaitVersion(mesh, jason, "v2");
    for (int i = 0; i < 15; i++) {
      HttpResponse<String> r = mesh.get("/productpage", jason);
      assertThat(LocalMeshProcess.version(LocalMeshProcess.reviewsPod(r.body()))).as("jason, load %d", i).isEqualTo("v2");
      assertThat(r.body()).contains("jason");
      HttpResponse<String> anonymous = mesh.get("/productpage", null);
      assertThat(LocalMeshProcess.version(LocalMeshProcess.reviewsPod(anonymous.body()))).as("anonymous, load %d", i).isEqualTo("v1");
    }
  }

  /**
   * virtual-service-reviews-v2-v3: 1000 requests split 50/50 between v2 and v3 within ±5%. The
   * requests are productpage's reviews API ({@code /api/v1/products/0/reviews}, routed by the same
   * VirtualService as the page), 8 at a time.
   */
  static Map<String, Integer> fiftyFifty(LocalMeshProcess mesh) throws Exception {
    mesh.apply("virtual-service-reviews-v2-v3.yaml");
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
      for (int i = 0; i < 10; i++) {
        if (version(mesh).equals("v1")) {
          return false;
        }
      }
      return true;
    });
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    AtomicInteger failures = new AtomicInteger();
    Semaphore inFlight = new Semaphore(8);
    List<CompletableFuture<?>> all = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    for (int i = 0; i < 1000 && System.nanoTime() < deadline; i++) {
      inFlight.acquire();
      all.add(mesh.http.sendAsync(
              HttpRequest.newBuilder(URI.create(mesh.url("/api/v1/products/0/reviews"))).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString())
          .whenComplete((r, t) -> {
            inFlight.release();
            if (t != null || r.statusCode() != 200) {
              failures.incrementAndGet();
            } else {
              counts.merge(podVersion(r.body()), 1, Integer::sum);
            }
          }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).handle((v, t) -> null).get(60, TimeUnit.SECONDS);
    assertThat(failures.get()).as("failed requests").isZero();
    assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
    assertThat(counts.keySet()).containsExactlyInAnyOrder("v2", "v3");
    assertThat(counts.get("v2")).as("v2 of 1000 (%s)", counts).isBetween(450, 550);
    return new TreeMap<>(counts);
  }

  private static String version(LocalMeshProcess mesh) throws Exception {
    return podVersion(mesh.get("/api/v1/products/0/reviews", null).body());
  }

  static String podVersion(String json) {
    try {
      JsonNode n = LocalMeshProcess.JSON.readTree(json);
      return LocalMeshProcess.version(n.path("podname").asText());
    } catch (java.io.IOException e) {
      return "unparsable: " + json;
    }
  }

  /**
   * Fault injection, Istio's "delay" task: ratings answers jason 7 s late; productpage gives reviews
   * 3 s and one retry, so jason's reviews section fails after about 6 s, while everyone else is
   * unaffected.
   */
  static Duration ratingsDelayForJason(LocalMeshProcess mesh) throws Exception {
    mesh.apply("virtual-service-reviews-test-v2.yaml");
    mesh.apply("virtual-service-ratings-test-delay.yaml");
    String jason = mesh.login("jason");
    String unavailable = "Sorry, product reviews are currently unavailable for this book.";
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> mesh.get("/productpage", jason).body().contains(unavailable));
    long t0 = System.nanoTime();
    HttpResponse<String> r = mesh.get("/productpage", jason);
    Duration took = Duration.ofNanos(System.nanoTime() - t0);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains(unavailable);
    assertThat(took).as("jason's page").isBetween(Duration.ofMillis(5500), Duration.ofMillis(9000));
    long t1 = System.nanoTime();
    HttpResponse<String> anonymous = mesh.get("/productpage", null);
    assertThat(anonymous.body()).doesNotContain(unavailable);
    assertThat(LocalMeshProcess.version(LocalMeshProcess.reviewsPod(anonymous.body()))).isEqualTo("v1");
    assertThat(Duration.ofNanos(System.nanoTime() - t1)).as("anonymous page").isLessThan(Duration.ofSeconds(3));
    return took;
  }

  /** Fault injection, Istio's "abort" task: ratings answers jason 500, so his page says ratings are unavailable. */
  static void ratingsAbortForJason(LocalMeshProcess mesh) throws Exception {
    mesh.apply("virtual-service-reviews-test-v2.yaml");
    mesh.apply("virtual-service-ratings-test-abort.yaml");
    String jason = mesh.login("jason");
    String unavailable = "Ratings service is currently unavailable";
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> mesh.get("/productpage", jason).body().contains(unavailable));
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = mesh.get("/productpage", jason);
      assertThat(r.body()).contains(unavailable);
      assertThat(LocalMeshProcess.version(LocalMeshProcess.reviewsPod(r.body()))).isEqualTo("v2");
      assertThat(mesh.get("/productpage", null).body()).doesNotContain(unavailable);
    }
  }

  /** Killing a pod's app (SIGKILL by its PID): the mesh starts it again and the pod serves again. */
  static void killedAppRestarts(LocalMeshProcess mesh) throws Exception {
    JsonNode before = podNamed(mesh, "details-");
    long pid = before.path("appPid").asLong();
    assertThat(pid).isPositive();
    ProcessHandle victim = ProcessHandle.of(pid).orElseThrow();
    victim.destroyForcibly();
    victim.onExit().get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
      JsonNode now = podNamed(mesh, "details-");
      long next = now.path("appPid").asLong();
      return next > 0 && next != pid && now.path("restarts").asInt() >= 1 && ProcessHandle.of(next).map(ProcessHandle::isAlive).orElse(false);
    });
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> mesh.get("/productpage", null).body().contains("ISBN-10"));
  }

  static JsonNode podNamed(LocalMeshProcess mesh, String prefix) throws Exception {
    JsonNode state = mesh.upState();
    assertThat(state).as("up.json").isNotNull();
    for (JsonNode p : state.path("pods")) {
      if (p.path("name").asText().startsWith(prefix)) {
        return p;
      }
    }
    throw new AssertionError("no pod " + prefix + "* in " + state);
  }
}
