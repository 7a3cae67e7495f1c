package io.trellis.cli;

import static io.trellis.cli.ControlPlaneCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.model.ResourceKey;
import io.trellis.control.ControlPlane;
import io.trellis.control.admin.StateDirectory;
import io.trellis.control.xds.XdsGenerator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code trellis apply} and {@code trellis delete} against a running control plane. */
class ApplyCommandTest {
  static final ResourceKey RATINGS = new ResourceKey("VirtualService", "default", "ratings");

  static String vs(String name, String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata:
          name: %s
        spec:
          hosts: [%s]
          http:
          - route:
            - destination:
                host: %s
                subset: %s
        """.formatted(name, name, name, subset);
  }

  @TempDir Path state;
  @TempDir Path files;
  private ControlPlane cp;

  @BeforeEach
  void start() throws Exception {
    cp = ControlPlane.start(
        ControlPlane.Options.defaults(null, new StateDirectory(state)).withPorts(0, 0, -1),
        snapshot -> XdsGenerator.EMPTY,
        Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    cp.close();
  }

  @Test
  void applyThenDelete() throws Exception {
    Path f = Files.writeString(files.resolve("ratings.yaml"), vs("ratings", "v2"));
    String[] applied = run("apply", "-f", f.toString(), "--state-dir", state.toString());
    assertThat(applied[0]).as(applied[2]).isEqualTo("0");
    assertThat(applied[1]).isEqualTo("VirtualService default/ratings applied\n");
    assertThat(cp.store().snapshot().resources()).containsKey(RATINGS);

    String[] deleted = run("delete", "-f", f.toString(), "--state-dir", state.toString());
    assertThat(deleted[0]).isEqualTo("0");
    assertThat(deleted[1]).isEqualTo("VirtualService default/ratings deleted\n");
    assertThat(cp.store().snapshot().resources()).doesNotContainKey(RATINGS);
  }

  @Test
  void anInvalidFileIsRejectedWithWhereAndWhyAndNothingIsApplied() throws Exception {
    Path good = Files.writeString(files.resolve("a-good.yaml"), vs("ratings", "v2"));
    Path bad = Files.writeString(files.resolve("b-bad.yaml"), vs("reviews", "v1").replace("hosts:", "hostz:"));
    String[] r = run("apply", "-f", files.toString(), "--state-dir", state.toString());
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[1]).contains("VirtualService default/ratings applied"); // files are separate applies
    assertThat(r[2]).contains(bad + " rejected; nothing in it was applied")
        .contains(bad + ":6: VirtualService default/reviews: spec.hostz");
    assertThat(cp.store().snapshot().resources().keySet()).containsExactly(RATINGS);
    assertThat(good).exists();
  }

  @Test
  void withoutARunningControlPlaneItSaysSo() {
    String[] r = run("apply", "-f", "x.yaml", "--state-dir", files.resolve("none").toString());
    assertThat(r[0]).isEqualTo("1");
    assertThat(r[2]).contains("no running control plane found");
  }
}
