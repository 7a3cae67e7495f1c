package io.trellis.samples.bookinfo.web;

import java.util.Optional;

/** The numeric product id every Bookinfo API takes as the last path segment. */
public record ProductId(int value) {
  public ProductId {
    if (value < 0) {
      throw new IllegalArgumentException("product id: " + value + " (expected: 0 or more)");
    }
  }

  /**
   * Reads the id that follows {@code prefix} in {@code path} (e.g. {@code /reviews/} in
   * {@code /reviews/0}); empty when the rest is not a non-negative integer.
   */
  public static Optional<ProductId> fromPath(String path, String prefix) {
    if (!path.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = path.substring(prefix.length());
    if (rest.isEmpty() || rest.length() > 9 || !rest.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    return Optional.of(new ProductId(Integer.parseInt(rest)));
  }

  @Override
  public String toString() {
    return Integer.toString(value);
  }
}
