package io.trellis.control.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.api.model.ResourceKey;
import io.trellis.control.xds.PushScope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PushDebouncerTest {
  private final FakeTime time = new FakeTime();
  private final List<PushScope> pushes = new ArrayList<>();
  private final PushDebouncer debouncer =
      new PushDebouncer(PushDebouncer.DEFAULT_QUIET, PushDebouncer.DEFAULT_MAX, time, time, pushes::add);

  private static ResourceKey vs(String name) {
    return new ResourceKey("VirtualService", "default", name);
  }

  private static ResourceKey we(String name) {
    return new ResourceKey("WorkloadEntry", "default", name);
  }

  @Test
  void pushesAfterOneHundredMillisecondsOfQuiet() {
    debouncer.submit(PushScopes.of(Set.of(vs("a")), time.instant()));
    time.advance(Duration.ofMillis(99));
    assertThat(pushes).isEmpty();
    time.advance(Duration.ofMillis(1));
    assertThat(pushes).hasSize(1);
    assertThat(pushes.getFirst().changed()).containsExactly(vs("a"));
    assertThat(debouncer.hasPending()).isFalse();
  }

  @Test
  void aBurstBecomesOnePushWithMergedScope() {
    debouncer.submit(PushScopes.of(Set.of(we("w1")), time.instant()));
    var first = time.instant();
    for (int i = 0; i < 5; i++) {
      time.advance(Duration.ofMillis(60)); // never 100 ms quiet
      debouncer.submit(PushScopes.of(Set.of(vs("v" + i)), time.instant()));
    }
    assertThat(pushes).isEmpty();
    time.advance(Duration.ofMillis(100));
    assertThat(pushes).hasSize(1);
    PushScope p = pushes.getFirst();
    assertThat(p.kind()).isEqualTo(PushScope.Kind.FULL);
    assertThat(p.changed()).hasSize(6).contains(we("w1"), vs("v4"));
    assertThat(p.triggeredAt()).isEqualTo(first);
  }

  @Test
  void aSteadyTrickleIsPushedAtTheTenSecondMaximum() {
    debouncer.submit(PushScopes.of(Set.of(vs("a")), time.instant()));
    for (int i = 0; i < 199; i++) { // a change every 50 ms for 9.95 s
      time.advance(Duration.ofMillis(50));
      debouncer.submit(PushScopes.of(Set.of(vs("a")), time.instant()));
    }
    assertThat(pushes).isEmpty();
    time.advance(Duration.ofMillis(50)); // 10 s after the first change
    assertThat(pushes).hasSize(1);
    // The trickle goes on: a new window starts and closes 100 ms after it stops.
    debouncer.submit(PushScopes.of(Set.of(vs("b")), time.instant()));
    time.advance(Duration.ofMillis(100));
    assertThat(pushes).hasSize(2);
    assertThat(pushes.get(1).changed()).containsExactly(vs("b"));
  }

  @Test
  void endpointOnlyChangesStayEndpointOnly() {
    debouncer.submit(PushScopes.of(Set.of(we("w1")), time.instant()));
    debouncer.submit(PushScopes.of(Set.of(new ResourceKey("EndpointSlice", "default", "s")), time.instant()));
    time.advance(Duration.ofMillis(100));
    assertThat(pushes).singleElement().extracting(PushScope::kind).isEqualTo(PushScope.Kind.ENDPOINTS);
  }

  @Test
  void changesDuringAPushStartANewWindow() {
    List<PushScope> seen = new ArrayList<>();
    PushDebouncer[] self = new PushDebouncer[1];
    self[0] =
        new PushDebouncer(
            Duration.ofMillis(100),
            Duration.ofSeconds(10),
            time,
            time,
            scope -> {
              seen.add(scope);
              if (seen.size() == 1) {
                self[0].submit(PushScopes.of(Set.of(vs("during")), time.instant()));
              }
            });
    self[0].submit(PushScopes.of(Set.of(vs("a")), time.instant()));
    time.advance(Duration.ofMillis(100));
    assertThat(seen).hasSize(1);
    time.advance(Duration.ofMillis(100));
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1).changed()).containsExactly(vs("during"));
  }

  @Test
  void badSettingsAreRejected() {
    assertThatThrownBy(() -> new PushDebouncer(Duration.ZERO, Duration.ofSeconds(1), time, time, p -> {}))
        .hasMessageContaining("expected: > 0");
    assertThatThrownBy(() -> new PushDebouncer(Duration.ofSeconds(2), Duration.ofSeconds(1), time, time, p -> {}))
        .hasMessageContaining("expected: >= quiet period");
  }
}
