package io.trellis.api.model;

import java.util.ArrayList;
import java.util.List;

/**
 * Field paths as people read them in messages: {@code spec.http[0].route[1].weight}. Map entries
 * are written {@code name[key]} so that keys holding dots ({@code app.kubernetes.io/name}) stay
 * one segment.
 */
public final class FieldPath {

  private FieldPath() {}

  /** One step of a path: a field name, a list index, or a map key. */
  public sealed interface Segment {
    SourceNode select(SourceNode node);
  }

  /** A field (or map key written with a dot). */
  public record Field(String name) implements Segment {
    @Override
    public SourceNode select(SourceNode node) {
      return node instanceof SourceNode.MapNode map ? map.get(name) : null;
    }
  }

  /** A list index, or a map key written in brackets. */
  public record Index(String key) implements Segment {
    @Override
    public SourceNode select(SourceNode node) {
      if (node instanceof SourceNode.MapNode map) {
        return map.get(key);
      }
      if (node instanceof SourceNode.ListNode list) {
        try {
          int i = Integer.parseInt(key);
          return i >= 0 && i < list.items().size() ? list.items().get(i) : null;
        } catch (NumberFormatException notAnIndex) {
          return null;
        }
      }
      return null;
    }
  }

  /** Splits a path into segments; an empty path is the node itself. */
  public static List<Segment> parse(String path) {
    List<Segment> segments = new ArrayList<>();
    int i = 0;
    int n = path.length();
    while (i < n) {
      char c = path.charAt(i);
      if (c == '.') {
        i++;
      } else if (c == '[') {
        int close = path.indexOf(']', i);
        if (close < 0) {
          // A key that itself holds '[' (an unknown field such as "foo["): keep it as one name.
          String rest = path.substring(i);
          if (!segments.isEmpty() && segments.getLast() instanceof Field previous && path.charAt(i - 1) != '.') {
            segments.set(segments.size() - 1, new Field(previous.name() + rest));
          } else {
            segments.add(new Field(rest));
          }
          break;
        }
        segments.add(new Index(path.substring(i + 1, close)));
        i = close + 1;
      } else {
        int end = i;
        while (end < n && path.charAt(end) != '.' && path.charAt(end) != '[') {
          end++;
        }
        segments.add(new Field(path.substring(i, end)));
        i = end;
      }
    }
    return segments;
  }

  /** {@code parent.child}, or {@code child} at the root. */
  public static String field(String parent, String child) {
    return parent.isEmpty() ? child : parent + "." + child;
  }

  /** {@code parent[index]}. */
  public static String index(String parent, int index) {
    return parent + "[" + index + "]";
  }

  /** {@code parent[key]}. */
  public static String key(String parent, Object key) {
    return parent + "[" + key + "]";
  }
}
