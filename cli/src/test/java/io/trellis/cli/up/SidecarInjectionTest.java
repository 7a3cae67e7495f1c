package io.trellis.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarInjectionTest {
  private static final Map<String, String> ENABLED = Map.of("istio-injection", "enabled");
  private static final Map<String, String> OPT_OUT = Map.of("sidecar.istio.io/inject", "false");
  private static final Map<String, String> OPT_IN = Map.of("sidecar.istio.io/inject", "true");

  @Test
  void followsIstiosDefaultPolicy() {
    assertThat(SidecarInjection.injects(ENABLED, Map.of(), Map.of(), false)).isTrue();
    assertThat(SidecarInjection.injects(Map.of("istio.io/rev", "default"), Map.of(), Map.of(), false)).isTrue();
    assertThat(SidecarInjection.injects(Map.of(), Map.of(), Map.of(), false)).isFalse();
    assertThat(SidecarInjection.injects(ENABLED, Map.of(), OPT_OUT, false)).as("annotation opts out").isFalse();
    assertThat(SidecarInjection.injects(ENABLED, OPT_OUT, Map.of(), false)).as("label opts out").isFalse();
    assertThat(SidecarInjection.injects(ENABLED, Map.of(), Map.of(), true)).as("host network").isFalse();
    assertThat(SidecarInjection.injects(Map.of(), OPT_IN, Map.of(), false)).as("pod opts in").isTrue();
    assertThat(SidecarInjection.injects(Map.of("istio-injection", "disabled"), OPT_IN, Map.of(), false)).as("namespace disabled wins").isFalse();
  }
}
