package io.trellis.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextTableTest {

  @Test
  void alignsTextLeftAndNumbersRight() {
    String out =
        new TextTable(List.of("name", "load", "rps"))
            .row(List.of("nginx", "max", "41000"))
            .row(List.of("haproxy", "rate-1000", "999"))
            .render();
    assertThat(out.lines().toList())
        .containsExactly(
            "name     load       rps",
            "-------  ---------  -----",
            "nginx    max        41000",
            "haproxy  rate-1000    999");
  }

  @Test
  void missingFiguresPrintAsDashAndRowsMustFit() {
    assertThat(TextTable.num(null, 2)).isEqualTo("-");
    assertThat(TextTable.num(1.23456, 2)).isEqualTo("1.23");
    assertThatThrownBy(() -> new TextTable(List.of("a", "b")).row(List.of("x")))
        .hasMessageContaining("1 cells");
  }
}
