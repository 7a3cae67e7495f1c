package io.trellis.api.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parsed YAML/JSON document as an immutable tree that remembers where every node was written.
 * The typed model is bound from it; it stays attached to each {@link Resource} so that any field
 * path can be located after binding, for messages and for checks that must tell "absent" from
 * "written as empty".
 *
 * <p>{@link #location()} of a node that is a mapping value is the location of its key, because
 * that is the line a person looks for.
 */
public sealed interface SourceNode {

  Location location();

  /** A short name of the node's type for messages: object, list, string, integer, number, boolean, null. */
  String typeName();

  /** A mapping, in written order. */
  record MapNode(Map<String, SourceNode> fields, Location location) implements SourceNode {
    public MapNode {
      fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
      Objects.requireNonNull(location);
    }

    public SourceNode get(String key) {
      return fields.get(key);
    }

    @Override
    public String typeName() {
      return "object";
    }
  }

  /** A sequence. */
  record ListNode(List<SourceNode> items, Location location) implements SourceNode {
    public ListNode {
      items = List.copyOf(items);
      Objects.requireNonNull(location);
    }

    @Override
    public String typeName() {
      return "list";
    }
  }

  /** The kind of a scalar as the parser resolved it (quoted YAML scalars are always strings). */
  enum ScalarType {
    STRING("string"),
    INTEGER("integer"),
    NUMBER("number"),
    BOOLEAN("boolean");

    private final String typeName;

    ScalarType(String typeName) {
      this.typeName = typeName;
    }
  }

  /** A scalar; {@code text} is its text as written (numbers and booleans in canonical form). */
  record ScalarNode(String text, ScalarType type, Location location) implements SourceNode {
    public ScalarNode {
      Objects.requireNonNull(text);
      Objects.requireNonNull(type);
      Objects.requireNonNull(location);
    }

    @Override
    public String typeName() {
      return type.typeName;
    }
  }

  /** An explicit null ({@code key:} with no value, {@code ~} or {@code null}). */
  record NullNode(Location location) implements SourceNode {
    @Override
    public String typeName() {
      return "null";
    }
  }

  /**
   * The node at {@code path} below this one, or {@code null} when nothing was written there. Paths
   * look like {@code spec.http[0].route[1].weight}; map keys that contain dots or brackets are
   * written as {@code labels[app.kubernetes.io/name]}.
   */
  default SourceNode find(String path) {
    SourceNode current = this;
    for (FieldPath.Segment segment : FieldPath.parse(path)) {
      current = segment.select(current);
      if (current == null) {
        return null;
      }
    }
    return current;
  }

  /**
   * The location of {@code path}, or of the deepest written ancestor when the field itself is
   * absent (a missing required field is reported where its parent is).
   */
  default Location locate(String path) {
    SourceNode current = this;
    for (FieldPath.Segment segment : FieldPath.parse(path)) {
      SourceNode next = segment.select(current);
      if (next == null) {
        return current.location();
      }
      current = next;
    }
    return current.location();
  }
}
