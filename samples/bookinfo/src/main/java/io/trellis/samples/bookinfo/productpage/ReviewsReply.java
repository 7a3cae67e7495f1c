package io.trellis.samples.bookinfo.productpage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A reviews service's answer as the page needs it, read defensively: it came over the network
 * and may be from any reviews version.
 */
record ReviewsReply(String podName, Optional<String> clusterName, List<Entry> reviews) {
  record Entry(String reviewer, String text, Optional<Rating> rating) {}

  /** Stars in a color, or the error reviews reported instead. */
  record Rating(OptionalInt stars, Optional<String> color, Optional<String> error) {}

  /**
   * Reads the JSON object reviews answered.
   *
   * @throws IllegalArgumentException when it lacks the {@code reviews} list
   */
  static ReviewsReply fromJson(Map<String, Object> json) {
    if (!(json.get("reviews") instanceof List<?> list)) {
      throw new IllegalArgumentException("reviews reply has no \"reviews\" list");
    }
    List<Entry> entries = new ArrayList<>();
    for (Object item : list) {
      if (item instanceof Map<?, ?> review) {
        entries.add(new Entry(text(review.get("reviewer")).orElse("anonymous"),
            text(review.get("text")).orElse(""), rating(review.get("rating"))));
      }
    }
    Optional<String> cluster = text(json.get("clustername")).filter(c -> !c.equals("null"));
    return new ReviewsReply(text(json.get("podname")).orElse("unknown"), cluster, entries);
  }

  private static Optional<Rating> rating(Object value) {
    if (!(value instanceof Map<?, ?> rating)) {
      return Optional.empty();
    }
    OptionalInt stars = rating.get("stars") instanceof Long count && count >= 0 && count <= 5
        ? OptionalInt.of(count.intValue())
        : OptionalInt.empty();
    return Optional.of(new Rating(stars, text(rating.get("color")), text(rating.get("error"))));
  }

  private static Optional<String> text(Object value) {
    return value instanceof String s ? Optional.of(s) : Optional.empty();
  }
}
