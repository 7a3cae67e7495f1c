package io.trellis.api.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Defensive copies for the model's records: lists become {@link List#copyOf}, maps keep their
 * written order (xDS generated from them must be deterministic) and become unmodifiable; {@code
 * null} becomes empty.
 */
public final class Frozen {

  private Frozen() {}

  public static <T> List<T> list(List<T> list) {
    return list == null ? List.of() : List.copyOf(list);
  }

  public static <K, V> Map<K, V> map(Map<K, V> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
