package io.trellis.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What {@code trellis up samples/bookinfo} must do whatever the isolation: Bookinfo answers through
 * the ingress gateway with all three review versions, and Istio's request-routing, traffic-shifting
 * and fault-injection tasks behave as Istio documents them, and a killed app comes back. Each
 * isolation's class starts its mesh, adds what only it can show, and proves its own clean stop.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class BookinfoMeshContract {
  LocalMeshProcess mesh;
  long started;

  /** The isolation's name, for the figures the tests print. */
  abstract String isolation();

  /** What the isolation's start-up banner must say besides the product page answering. */
  abstract void assertBanner(String output);

  @Test
  @Order(10)
  void productPageAnswersAndShowsAllThreeReviewVersions() throws Exception {
    Duration firstOk = BookinfoMeshTasks.awaitProductPage(mesh, started);
    System.out.println(isolation() + ": first 200 from /productpage " + firstOk.toMillis() + " ms after starting trellis up");
    Map<String, Integer> seen = BookinfoMeshTasks.allThreeVersions(mesh);
    System.out.println(isolation() + ": review versions over repeated loads " + seen);
    assertBanner(mesh.output());
  }

  @Test
  @Order(30)
  void virtualServiceAllV1() throws Exception {
    BookinfoMeshTasks.allV1(mesh);
  }

  @Test
  @Order(40)
  void reviewsTestV2() throws Exception {
    BookinfoMeshTasks.jasonSeesV2(mesh);
  }

  @Test
  @Order(50)
  void trafficShiftingFiftyFifty() throws Exception {
    System.out.println(isolation() + ": 1000 requests over reviews v2/v3 50/50: " + BookinfoMeshTasks.fiftyFifty(mesh));
  }

  @Test
  @Order(55)
  void faultInjectionDelayForJason() throws Exception {
    System.out.println(isolation() + ": jason's page with the 7 s ratings delay took "
        + BookinfoMeshTasks.ratingsDelayForJason(mesh).toMillis() + " ms");
  }

  @Test
  @Order(56)
  void faultInjectionAbortForJason() throws Exception {
    BookinfoMeshTasks.ratingsAbortForJason(mesh);
  }

  @Test
  @Order(80)
  void aKilledAppIsRestarted() throws Exception {
    BookinfoMeshTasks.killedAppRestarts(mesh);
    // The prefix may also match a pod a rollout replaced; logs means the running one.
    String[] logs = mesh.trellis("logs", "details");
    assertThat(logs[0]).as(logs[2]).isEqualTo("0");
    assertThat(logs[1]).contains("exited with code 137; restarting in");
  }
}
