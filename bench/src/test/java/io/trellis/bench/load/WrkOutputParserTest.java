package io.trellis.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trellis.bench.Fixtures;
import org.junit.jupiter.api.Test;

class WrkOutputParserTest {

  @Test
  void readsRateCountAndPercentilesInTheirUnits() throws Exception {
    LoadResult r = WrkOutputParser.parse(Fixtures.read("wrk-latency.txt"));
    assertThat(r.rps()).isEqualTo(75119.63);
    assertThat(r.requests()).isEqualTo(150436);
    assertThat(r.errors()).isZero();
    assertThat(r.latency().p50Ms()).isCloseTo(0.793, within(1e-9)); // printed as 793.00us
    assertThat(r.latency().p90Ms()).isCloseTo(0.99, within(1e-9)); // printed as 0.99ms
    assertThat(r.latency().p99Ms()).isCloseTo(1.75, within(1e-9));
    assertThat(r.latency().p999Ms()).as("wrk prints no p99.9").isNull();
  }

  @Test
  void countsNon2xxResponsesAsErrors() throws Exception {
    LoadResult r = WrkOutputParser.parse(Fixtures.read("wrk-non2xx.txt"));
    assertThat(r.errors()).isEqualTo(100724);
    assertThat(r.requests()).isEqualTo(100724);
    assertThat(r.latency().p50Ms()).isCloseTo(0.084, within(1e-9));
  }

  @Test
  void countsSocketErrorsAsErrors() throws Exception {
    LoadResult r = WrkOutputParser.parse(Fixtures.read("wrk-socketerrors.txt"));
    assertThat(r.errors()).isEqualTo(6681);
    assertThat(r.rps()).isEqualTo(10021.43);
  }

  @Test
  void outputWithoutAResultIsAnErrorQuotingTheTool() {
    assertThatThrownBy(() -> WrkOutputParser.parse("unable to connect to 127.0.0.1:1 Connection refused\n"))
        .isInstanceOf(ToolOutputException.class)
        .hasMessageContaining("Connection refused");
  }
}
