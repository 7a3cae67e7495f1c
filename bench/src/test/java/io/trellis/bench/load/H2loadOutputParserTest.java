package io.trellis.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.bench.Fixtures;
import org.junit.jupiter.api.Test;

class H2loadOutputParserTest {

  @Test
  void readsAFixedRateRunOverHttp1() throws Exception {
    H2loadOutputParser.Summary s = H2loadOutputParser.parse(Fixtures.read("h2load-rps.txt"));
    assertThat(s.rps()).isEqualTo(1000.00);
    assertThat(s.total()).isEqualTo(2000);
    assertThat(s.done()).isEqualTo(2000);
    assertThat(s.errors()).isZero();
    assertThat(s.protocol()).isEqualTo("http/1.1");
  }

  @Test
  void readsAnH2cRunAndItsProtocol() throws Exception {
    H2loadOutputParser.Summary s = H2loadOutputParser.parse(Fixtures.read("h2load-h2.txt"));
    assertThat(s.rps()).isEqualTo(61765.50);
    assertThat(s.done()).isEqualTo(123531);
    assertThat(s.protocol()).isEqualTo("h2c");
  }

  @Test
  void readsALargeBodyRun() throws Exception {
    H2loadOutputParser.Summary s = H2loadOutputParser.parse(Fixtures.read("h2load-1m.txt"));
    assertThat(s.rps()).isEqualTo(1405.50);
    assertThat(s.done()).isEqualTo(2811);
    assertThat(s.errors()).isZero();
  }

  @Test
  void aRunThatCompletedNothingIsAnErrorNotZero() {
    assertThatThrownBy(() -> H2loadOutputParser.parse(Fixtures.read("h2load-refused.txt")))
        .isInstanceOf(ToolOutputException.class)
        .hasMessageContaining("completed no request")
        .hasMessageContaining("no connection was established");
  }

  @Test
  void failedRequestsAreErrors() throws Exception {
    String output =
        Fixtures.read("h2load-rps.txt")
            .replace("2000 succeeded, 0 failed, 0 errored", "1990 succeeded, 10 failed, 3 errored");
    assertThat(H2loadOutputParser.parse(output).errors()).isEqualTo(10);
  }
}
