package io.trellis.samples.bookinfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LaunchOptionsTest {
  @Test
  void readsServicePortAndVersionInEitherSpelling() {
    assertThat(LaunchOptions.parse("reviews", "--version", "v2", "--port", "19080"))
        .isEqualTo(new LaunchOptions(ServiceName.REVIEWS, OptionalInt.of(19080), Optional.of("v2")));
    assertThat(LaunchOptions.parse("--port=0", "--version=v3", "reviews"))
        .isEqualTo(new LaunchOptions(ServiceName.REVIEWS, OptionalInt.of(0), Optional.of("v3")));
    assertThat(LaunchOptions.parse("ratings"))
        .isEqualTo(new LaunchOptions(ServiceName.RATINGS, OptionalInt.empty(), Optional.empty()));
  }

  @Test
  void mistakesAreNamed() {
    assertThatThrownBy(LaunchOptions::parse)
        .hasMessage("no service named (expected: productpage, details, reviews, ratings)");
    assertThatThrownBy(() -> LaunchOptions.parse("review"))
        .hasMessage("service: 'review' (expected: productpage, details, reviews, ratings)");
    assertThatThrownBy(() -> LaunchOptions.parse("reviews", "details"))
        .hasMessage("unexpected argument 'details' (the service is already reviews)");
    assertThatThrownBy(() -> LaunchOptions.parse("reviews", "--port"))
        .hasMessage("--port: missing value");
    assertThatThrownBy(() -> LaunchOptions.parse("reviews", "--port", "65536"))
        .hasMessage("--port: '65536' (expected: 0..65535)");
    assertThatThrownBy(() -> LaunchOptions.parse("reviews", "--colour", "red"))
        .hasMessage("unknown option '--colour'");
  }
}
