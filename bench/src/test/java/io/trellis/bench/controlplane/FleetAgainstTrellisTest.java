package io.trellis.bench.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.control.ControlPlane;
import io.trellis.control.admin.StateDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated sidecars against the Trellis control plane itself, in process, on the benchmark's
 * own mesh: what {@code bench control-plane} measures, at a size a test can afford. On delta
 * streams the route configuration arrives without its virtual hosts and they come over VHDS, so a
 * VirtualService change travels as one virtual host per proxy; on state-of-the-world streams it
 * is the whole route configuration.
 */
class FleetAgainstTrellisTest {

  private static final int SERVICES = 20;
  private static final int PROXIES = 8;

  @TempDir Path dir;
  private MeshConfig mesh;
  private ControlPlane cp;

  @BeforeEach
  void start() throws Exception {
    mesh = new MeshConfig(SERVICES, 2);
    mesh.write(dir.resolve("config"));
    cp =
        ControlPlane.start(
            ControlPlane.Options.defaults(dir.resolve("config"), new StateDirectory(dir.resolve("state")))
                .withPorts(0, 0, 0));
  }

  @AfterEach
  void stop() {
    if (cp != null) {
      cp.close();
    }
  }

  @Test
  void deltaSidecarsGetVirtualHostsOverVhdsAndAVirtualServiceChangeIsOneVirtualHostEach() throws Exception {
    try (ProxyFleet fleet = fleet(XdsMode.DELTA)) {
      fleet.start();
      assertThat(fleet.awaitInitialConfig(Duration.ofSeconds(30))).isTrue();
      PushCounters.Totals initial = fleet.counters().snapshot();
      // every service's virtual host reached every proxy as its own resource
      assertThat(initial.resources().get("vhds")).isGreaterThanOrEqualTo((long) PROXIES * SERVICES);
      assertThat(initial.bytes().get("rds")).as("route configurations travel without their virtual hosts")
          .isLessThan(initial.bytes().get("vhds"));

      int changed = 7;
      ConvergenceWatch vs = fleet.watch(Set.of(XdsTypes.ROUTE, XdsTypes.VIRTUAL_HOST), mesh.cluster(changed, "v2"));
      mesh.routeToV2(dir.resolve("config"), dir.resolve("scratch"), changed);
      assertThat(vs.await(Duration.ofSeconds(20))).isTrue();
      assertThat(vs.latenciesMs()).hasSize(PROXIES);
      awaitQuiet(fleet, initial);
      PushCounters.Totals pushed = fleet.counters().snapshot().minus(initial);
      assertThat(pushed.resources().get("vhds")).as("one virtual host per proxy").isEqualTo((long) PROXIES);
      assertThat(pushed.resources().get("rds")).as("no route configuration").isZero();
      assertThat(pushed.resources().get("cds") + pushed.resources().get("lds")).isZero();
      assertThat(fleet.nacks()).isZero();
      assertThat(fleet.failedStreams()).isZero();
    }
  }

  @Test
  void stateOfTheWorldSidecarsStillGetWholeRouteConfigurations() throws Exception {
    try (ProxyFleet fleet = fleet(XdsMode.SOTW)) {
      fleet.start();
      assertThat(fleet.awaitInitialConfig(Duration.ofSeconds(30))).isTrue();
      PushCounters.Totals initial = fleet.counters().snapshot();
      assertThat(initial.resources().get("vhds")).isZero();

      int changed = 3;
      ConvergenceWatch vs = fleet.watch(Set.of(XdsTypes.ROUTE, XdsTypes.VIRTUAL_HOST), mesh.cluster(changed, "v2"));
      mesh.routeToV2(dir.resolve("config"), dir.resolve("scratch"), changed);
      assertThat(vs.await(Duration.ofSeconds(20))).isTrue();
      awaitQuiet(fleet, initial);
      PushCounters.Totals pushed = fleet.counters().snapshot().minus(initial);
      assertThat(pushed.resources().get("rds")).isGreaterThanOrEqualTo((long) PROXIES);
      assertThat(pushed.resources().get("vhds")).isZero();
      assertThat(fleet.nacks()).isZero();
    }
  }

  private ProxyFleet fleet(XdsMode mode) {
    return new ProxyFleet(cp.xds().port(), PROXIES, i -> SidecarIdentity.ofWorkload(mesh, i), mode, System::nanoTime);
  }

  /** Until no response has arrived for half a second (bounded), so trailing pushes are counted. */
  private static void awaitQuiet(ProxyFleet fleet, PushCounters.Totals since) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    long last = -1;
    while (System.nanoTime() < end) {
      long now = fleet.counters().snapshot().minus(since).responses().values().stream().mapToLong(Long::longValue).sum();
      if (now == last) {
        return;
      }
      last = now;
      Thread.sleep(500);
    }
  }
}
