package io.trellis.bench.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CoreUsageTest {

  @Test
  void parsesTasksetLists() {
    assertThat(CoreUsage.parseList("0")).containsExactly(0);
    assertThat(CoreUsage.parseList("0-2,5")).containsExactly(0, 1, 2, 5);
    assertThatThrownBy(() -> CoreUsage.parseList("a")).hasMessageContaining("'a' is not a CPU");
    assertThatThrownBy(() -> CoreUsage.parseList(",")).hasMessageContaining("names no CPU");
  }

  @Test
  void busyIsEverythingButIdleAndIowaitOnTheNamedCoresOnly() {
    List<String> before =
        List.of(
            "cpu  300 0 100 1000 0 0 0 0 0 0",
            "cpu0 100 0 50 500 0 0 0 0 0 0",
            "cpu1 200 0 50 500 0 0 0 0 0 0");
    List<String> after =
        List.of(
            "cpu  500 0 200 1100 0 0 0 0 0 0",
            "cpu0 180 0 70 500 0 0 0 0 0 0", // 100 ticks, all busy
            "cpu1 200 0 50 550 50 0 0 0 0 0"); // 100 ticks, idle and iowait
    assertThat(CoreUsage.parse(after, Set.of(0)).busyPercentSince(CoreUsage.parse(before, Set.of(0)))).isEqualTo(100.0);
    assertThat(CoreUsage.parse(after, Set.of(1)).busyPercentSince(CoreUsage.parse(before, Set.of(1)))).isEqualTo(0.0);
    assertThat(CoreUsage.parse(after, Set.of(0, 1)).busyPercentSince(CoreUsage.parse(before, Set.of(0, 1)))).isEqualTo(50.0);
  }

  @Test
  void readsThisMachine() {
    CoreUsage.Ticks t = new CoreUsage(Path.of("/proc/stat"), Set.of(0)).read();
    assertThat(t.total()).isPositive();
    assertThat(t.busy()).isBetween(0L, t.total());
  }
}
