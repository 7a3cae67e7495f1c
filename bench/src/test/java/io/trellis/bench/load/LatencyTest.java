package io.trellis.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.bench.Fixtures;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyTest {

  @Test
  void nearestRankPercentilesInMilliseconds() {
    long[] micros = LongStream.rangeClosed(1, 1000).map(i -> 1000 - i + 1).toArray(); // unsorted on purpose
    Latency l = Latency.ofMicros(micros);
    assertThat(l.p50Ms()).isEqualTo(0.5);
    assertThat(l.p90Ms()).isEqualTo(0.9);
    assertThat(l.p99Ms()).isEqualTo(0.99);
    assertThat(l.p999Ms()).isEqualTo(0.999);
  }

  @Test
  void oneSampleIsEveryPercentileAndNoneIsNone() {
    assertThat(Latency.ofMicros(new long[] {250})).isEqualTo(new Latency(0.25, 0.25, 0.25, 0.25));
    assertThat(Latency.ofMicros(new long[0])).isEqualTo(Latency.NONE);
  }

  @Test
  void readsDurationsFromH2loadsRequestLog() throws Exception {
    long[] d = H2loadRequestLog.durationsMicros(Fixtures.read("h2load-requests.log").lines());
    assertThat(d).hasSize(50);
    assertThat(d[0]).isEqualTo(192);
    assertThat(d[1]).isEqualTo(201);
  }

  @Test
  void aMalformedLogLineSaysWhichLine() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> H2loadRequestLog.durationsMicros(java.util.stream.Stream.of("1\t200\t5", "2\t200")))
        .isInstanceOf(ToolOutputException.class)
        .hasMessageContaining("line 2");
  }
}
