package io.trellis.samples.bookinfo.reviews;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What tells the three reviews versions apart.
 *
 * <p>The ratings timeouts are Istio's: v2 waits 10 s, which is why the fault-injection task's
 * 7 s delay for jason is not absorbed by reviews but breaks the page (productpage gives up after
 * 3 s and one retry); v3 waits 2.5 s.
 */
public enum ReviewsVersion {
  V1("v1", Optional.empty(), Duration.ZERO),
  V2("v2", Optional.of("black"), Duration.ofSeconds(10)),
  V3("v3", Optional.of("red"), Duration.ofMillis(2500));

  private final String label;
  private final Optional<String> starColor;
  private final Duration ratingsTimeout;

  ReviewsVersion(String label, Optional<String> starColor, Duration ratingsTimeout) {
    this.label = label;
    this.starColor = starColor;
    this.ratingsTimeout = ratingsTimeout;
  }

  /**
   * The version named {@code label} ({@code v1}, {@code v2} or {@code v3}).
   *
   * @throws IllegalArgumentException naming the accepted labels
   */
  public static ReviewsVersion parse(String label) {
    for (ReviewsVersion version : values()) {
      if (version.label.equals(label)) {
        return version;
      }
    }
    throw new IllegalArgumentException("reviews version: '" + label + "' (expected: "
        + Arrays.stream(values()).map(v -> v.label).collect(Collectors.joining(", ")) + ")");
  }

  /** The label Kubernetes manifests use, e.g. {@code v2}. */
  public String label() {
    return label;
  }

  /** Whether this version calls ratings and shows stars. */
  public boolean showsRatings() {
    return starColor.isPresent();
  }

  /** The CSS color of the stars; empty for v1, which shows none. */
  public Optional<String> starColor() {
    return starColor;
  }

  /** How long this version waits for ratings. */
  public Duration ratingsTimeout() {
    return ratingsTimeout;
  }
}
