package io.trellis.api.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Free-form JSON where Istio takes a {@code google.protobuf.Struct} (EnvoyFilter patch values,
 * WasmPlugin configuration). Values are {@code String}, {@code Long}, {@code Double},
 * {@code Boolean}, {@code List<Object>}, {@code Map<String, Object>} or {@link #NULL}; all
 * collections are unmodifiable.
 */
public record Struct(Map<String, Object> fields) {

  /** JSON null inside a struct (Java collections here hold no nulls). */
  public static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  public static final Struct EMPTY = new Struct(Map.of());

  public Struct {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** Converts a source node to plain values (used by the binder). */
  public static Object valueOf(SourceNode node) {
    return switch (node) {
      case SourceNode.MapNode map -> {
        Map<String, Object> out = new LinkedHashMap<>();
        map.fields().forEach((k, v) -> out.put(k, valueOf(v)));
        yield Collections.unmodifiableMap(out);
      }
      case SourceNode.ListNode list -> list.items().stream().map(Struct::valueOf).toList();
      case SourceNode.NullNode n -> NULL;
      case SourceNode.ScalarNode s ->
          switch (s.type()) {
            case STRING -> s.text();
            case BOOLEAN -> Boolean.valueOf(s.text());
            case INTEGER -> {
              try {
                yield Long.valueOf(s.text());
              } catch (NumberFormatException tooBig) {
                yield Double.valueOf(s.text());
              }
            }
            case NUMBER -> Double.valueOf(s.text());
          };
    };
  }

  @SuppressWarnings("unchecked")
  public static Struct of(SourceNode.MapNode map) {
    return new Struct((Map<String, Object>) valueOf(map));
  }

  /** Convenience for nested lookups; {@code null} when absent. */
  public Object get(String key) {
    return fields.get(key);
  }
}
