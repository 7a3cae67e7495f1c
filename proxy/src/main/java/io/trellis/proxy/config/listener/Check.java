package io.trellis.proxy.config.listener;

import java.time.Duration;
import java.util.List;

/** Field checks shared by this package's records; messages read {@code "field: value (expected: …)"}. */
final class Check {
  private Check() {}

  static String nonEmpty(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException(field + ": '" + value + "' (expected: a non-empty string)");
    }
    return value;
  }

  static <T> List<T> list(String field, List<T> value) {
    if (value == null) {
      return List.of();
    }
    for (int i = 0; i < value.size(); i++) {
      if (value.get(i) == null) {
        throw new IllegalArgumentException(field + "[" + i + "]: null (expected: a value)");
      }
    }
    return List.copyOf(value);
  }

  static Duration nonNegative(String field, Duration value) {
    if (value == null) {
      throw new IllegalArgumentException(field + ": null (expected: a duration, 0 to disable)");
    }
    if (value.isNegative()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: >= 0)");
    }
    return value;
  }

  static <T> T notNull(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + ": null (expected: a value)");
    }
    return value;
  }

  static long range(String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: " + min + ".." + max + ")");
    }
    return value;
  }
}
