package io.trellis.cli.up;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RestartPolicyTest {
  @Test
  void doublesPerConsecutiveCrashUpToTheMaximum() {
    RestartPolicy p = RestartPolicy.DEFAULT;
    assertThat(p.delay(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(p.delay(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(p.delay(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(p.delay(5)).isEqualTo(Duration.ofSeconds(16));
    assertThat(p.delay(6)).isEqualTo(Duration.ofSeconds(30));
    assertThat(p.delay(40)).isEqualTo(Duration.ofSeconds(30));
  }
}
