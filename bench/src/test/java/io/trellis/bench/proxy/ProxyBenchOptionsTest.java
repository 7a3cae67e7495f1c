package io.trellis.bench.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which targets a run takes: trellis-mtls only when asked for, unknown names refused with the list. */
class ProxyBenchOptionsTest {

  private final ProxyBenchOptions quick = ProxyBenchOptions.defaults(true, Path.of("out"), null);

  @Test
  void theSidecarPairIsOptIn() {
    assertThat(quick.targets()).containsExactly("direct", "trellis", "nginx", "haproxy");
    assertThat(quick.withTargets(List.of("trellis", "trellis-mtls")).targets()).containsExactly("trellis", "trellis-mtls");
  }

  @Test
  void anUnknownTargetIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> quick.withTargets(List.of("envoy")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("targets: 'envoy' (expected one of [direct, trellis, trellis-mtls, nginx, haproxy])");
  }
}
