package io.trellis.proxy.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Envoy's fully jittered back-off, with the randomness injected. */
class RetryBackOffTest {

  /** Answers the largest value below the bound (or zero), recording the bound asked for. */
  private static final class Extreme implements RandomGenerator {
    final boolean max;
    long lastBound;

    Extreme(boolean max) {
      this.max = max;
    }

    @Override
    public long nextLong() {
      throw new UnsupportedOperationException();
    }

    @Override
    public long nextLong(long bound) {
      lastBound = bound;
      return max ? bound - 1 : 0;
    }
  }

  @Test
  void boundsGrowAsTwoToTheNMinusOneTimesBaseUpToTheCap() {
    RetryBackOff b = new RetryBackOff(Duration.ofMillis(25), Duration.ofMillis(250), new Extreme(true));
    assertThat(b.boundNanos(1)).isEqualTo(Duration.ofMillis(25).toNanos());
    assertThat(b.boundNanos(2)).isEqualTo(Duration.ofMillis(75).toNanos());
    assertThat(b.boundNanos(3)).isEqualTo(Duration.ofMillis(175).toNanos());
    assertThat(b.boundNanos(4)).isEqualTo(Duration.ofMillis(250).toNanos());
    assertThat(b.boundNanos(40)).isEqualTo(Duration.ofMillis(250).toNanos());
    assertThat(b.boundNanos(100)).isEqualTo(Duration.ofMillis(250).toNanos());
  }

  @Test
  void delaysAreFullyJitteredWithinZeroAndTheBound() {
    Extreme hi = new Extreme(true);
    RetryBackOff top = new RetryBackOff(Duration.ofMillis(25), Duration.ofMillis(250), hi);
    assertThat(top.delayNanos(1)).isEqualTo(Duration.ofMillis(25).toNanos() - 1);
    assertThat(hi.lastBound).isEqualTo(Duration.ofMillis(25).toNanos());
    assertThat(top.delayNanos(5)).isEqualTo(Duration.ofMillis(250).toNanos() - 1);
    RetryBackOff bottom = new RetryBackOff(Duration.ofMillis(25), Duration.ofMillis(250), new Extreme(false));
    assertThat(bottom.delayNanos(3)).isZero();
    RetryBackOff real = new RetryBackOff(Duration.ofMillis(25), Duration.ofMillis(250), new java.util.SplittableRandom(3));
    for (int n = 1; n <= 6; n++) {
      for (int i = 0; i < 1000; i++) {
        assertThat(real.delayNanos(n)).isBetween(0L, real.boundNanos(n) - 1);
      }
    }
  }

  @Test
  void theDefaultCapIsTenTimesTheBase() {
    var policy = io.trellis.proxy.config.route.RetryPolicy.builder().backOff(Duration.ofMillis(40), null).build();
    assertThat(policy.backOffMax()).isEqualTo(Duration.ofMillis(400));
    assertThat(io.trellis.proxy.config.route.RetryPolicy.builder().build().backOffBase()).isEqualTo(Duration.ofMillis(25));
  }
}
