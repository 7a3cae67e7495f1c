package io.trellis.api.load;

import io.trellis.api.model.FieldPath;
import io.trellis.api.model.IntOrString;
import io.trellis.api.model.JsonName;
import io.trellis.api.model.Lenient;
import io.trellis.api.model.OneOf;
import io.trellis.api.model.SourceNode;
import io.trellis.api.model.Struct;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Binds located source trees to the model's records, by the records' own shape (component names
 * are Istio's JSON names; proto snake_case names are accepted too, as Istio's JSON parser does).
 * Every problem is reported to the sink with its path and binding continues, so one run shows all
 * of them; a field that cannot be bound gets its absent value.
 */
final class Binder {

  /** Receives binding problems. */
  interface Sink {
    void error(String path, String message, String expected);
  }

  private record Component(String jsonName, Type type, Class<?> raw, boolean oneOf) {}

  private record Shape(
      Component[] components, Map<String, Integer> index, Constructor<?> constructor, boolean lenient) {}

  private static final Map<Class<?>, Shape> SHAPES = new ConcurrentHashMap<>();

  private Binder() {}

  /** Binds {@code node} (may be {@code null}: absent) as {@code type}. */
  static <T> T bindRecord(SourceNode node, Class<T> type, String path, Sink sink) {
    return type.cast(bind(node, type, path, false, sink));
  }

  /** The value a component takes when nothing was written (see {@code Resource} for the rules). */
  static Object absent(Type type) {
    Class<?> raw = raw(type);
    if (raw == List.class) {
      return List.of();
    }
    if (raw == Map.class) {
      return Map.of();
    }
    if (raw == String.class) {
      return "";
    }
    if (raw == int.class) {
      return 0;
    }
    if (raw == long.class) {
      return 0L;
    }
    if (raw == double.class) {
      return 0.0;
    }
    if (raw == boolean.class) {
      return false;
    }
    if (raw.isEnum()) {
      return raw.getEnumConstants()[0];
    }
    return null;
  }

  private static Object bind(SourceNode node, Type type, String path, boolean lenientParent, Sink sink) {
    if (node == null) {
      return absent(type);
    }
    Class<?> raw = raw(type);
    if (node instanceof SourceNode.NullNode) {
      if (!lenientParent) {
        sink.error(path, "null", typeName(type));
      }
      return absent(type);
    }
    if (raw == Struct.class) {
      if (node instanceof SourceNode.MapNode map) {
        return Struct.of(map);
      }
      sink.error(path, "invalid value " + describe(node), "object");
      return null;
    }
    if (raw == String.class
        && !lenientParent
        && node instanceof SourceNode.MapNode map
        && map.fields().size() == 1
        && map.fields().values().iterator().next() instanceof SourceNode.NullNode) {
      // YAML reads a plain scalar ending in ':' inside a flow sequence, such as the IPv6 address in
      // [1.2.3.4, 001:db8::], as a one-key mapping; Istio's parser reads it as the string.
      return map.fields().keySet().iterator().next() + ":";
    }
    if (raw.isRecord() && raw != IntOrString.class) {
      return bindObject(node, raw, path, sink);
    }
    if (raw == List.class) {
      if (!(node instanceof SourceNode.ListNode list)) {
        sink.error(path, "invalid value " + describe(node), "list");
        return List.of();
      }
      Type element = ((ParameterizedType) type).getActualTypeArguments()[0];
      List<Object> out = new ArrayList<>(list.items().size());
      for (int i = 0; i < list.items().size(); i++) {
        Object v = bind(list.items().get(i), element, FieldPath.index(path, i), lenientParent, sink);
        if (v != null) {
          out.add(v);
        }
      }
      return List.copyOf(out);
    }
    if (raw == Map.class) {
      if (!(node instanceof SourceNode.MapNode map)) {
        sink.error(path, "invalid value " + describe(node), "object");
        return Map.of();
      }
      Type[] args = ((ParameterizedType) type).getActualTypeArguments();
      Class<?> keyType = raw(args[0]);
      Map<Object, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, SourceNode> e : map.fields().entrySet()) {
        String childPath = FieldPath.key(path, e.getKey());
        Object key = e.getKey();
        if (keyType == Integer.class) {
          try {
            key = Integer.valueOf(e.getKey());
          } catch (NumberFormatException notNumber) {
            sink.error(childPath, "invalid key \"" + e.getKey() + "\"", "integer");
            continue;
          }
        }
        Object v = bind(e.getValue(), args[1], childPath, lenientParent, sink);
        if (v != null) {
          out.put(key, v);
        }
      }
      return java.util.Collections.unmodifiableMap(out);
    }
    if (node instanceof SourceNode.ScalarNode scalar) {
      return bindScalar(scalar, raw, path, lenientParent, sink);
    }
    if (raw == Object.class) {
      return Struct.valueOf(node);
    }
    if (lenientParent && raw == String.class) {
      return absent(type);
    }
    sink.error(path, "invalid value " + describe(node), typeName(type));
    return absent(type);
  }

  private static Object bindObject(SourceNode node, Class<?> type, String path, Sink sink) {
    Shape shape = SHAPES.computeIfAbsent(type, Binder::shapeOf);
    if (!(node instanceof SourceNode.MapNode map)) {
      sink.error(path, "invalid value " + describe(node), "object");
      return null;
    }
    Object[] values = new Object[shape.components.length];
    boolean[] set = new boolean[values.length];
    for (Map.Entry<String, SourceNode> e : map.fields().entrySet()) {
      Integer i = shape.index.get(e.getKey());
      String childPath = FieldPath.field(path, e.getKey());
      if (i == null) {
        if (!shape.lenient) {
          sink.error(childPath, "unknown field \"" + e.getKey() + "\"", null);
        }
        continue;
      }
      if (set[i]) {
        sink.error(childPath, "field written twice (as " + shape.components[i].jsonName + " and " + e.getKey() + ")", null);
        continue;
      }
      set[i] = true;
      values[i] = bind(e.getValue(), shape.components[i].type, childPath, shape.lenient, sink);
    }
    for (int i = 0; i < values.length; i++) {
      // An absent oneof member stays null (it has presence); everything else gets its absent value.
      if (values[i] == null && (set[i] || !shape.components[i].oneOf)) {
        values[i] = absent(shape.components[i].type);
      }
    }
    try {
      return shape.constructor.newInstance(values);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("cannot build " + type.getName() + " at " + path, e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getName(), e);
    }
  }

  private static Object bindScalar(
      SourceNode.ScalarNode scalar, Class<?> raw, String path, boolean lenient, Sink sink) {
    String text = scalar.text();
    SourceNode.ScalarType t = scalar.type();
    if (raw == String.class) {
      if (t == SourceNode.ScalarType.STRING || lenient) {
        return text;
      }
      sink.error(path, "invalid value " + describe(scalar), "string");
      return "";
    }
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
      boolean isInt = raw == int.class || raw == Integer.class;
      Long value = null;
      if (t == SourceNode.ScalarType.INTEGER || (lenient && t == SourceNode.ScalarType.STRING)) {
        try {
          value = Long.valueOf(text);
        } catch (NumberFormatException tooBig) {
          value = null;
        }
      } else if (t == SourceNode.ScalarType.NUMBER) {
        double d = Double.parseDouble(text);
        if (d == Math.rint(d) && Math.abs(d) < 9.0e18) {
          value = (long) d;
        }
      }
      if (value == null || (isInt && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE))) {
        sink.error(path, "invalid value " + describe(scalar), isInt ? "32-bit integer" : "integer");
        return isInt ? (raw == int.class ? (Object) 0 : null) : (raw == long.class ? (Object) 0L : null);
      }
      return isInt ? (Object) value.intValue() : (Object) value;
    }
    if (raw == double.class || raw == Double.class) {
      if (t == SourceNode.ScalarType.INTEGER || t == SourceNode.ScalarType.NUMBER) {
        return Double.valueOf(text);
      }
      sink.error(path, "invalid value " + describe(scalar), "number");
      return raw == double.class ? 0.0 : null;
    }
    if (raw == boolean.class || raw == Boolean.class) {
      if (t == SourceNode.ScalarType.BOOLEAN) {
        return Boolean.valueOf(text);
      }
      sink.error(path, "invalid value " + describe(scalar), "boolean");
      return raw == boolean.class ? false : null;
    }
    if (raw == Duration.class) {
      Duration d = t == SourceNode.ScalarType.STRING ? DurationText.parse(text) : null;
      if (d == null) {
        sink.error(path, "invalid duration " + describe(scalar), "a duration such as 1.5s, 100ms or 1m");
      }
      return d;
    }
    if (raw == IntOrString.class) {
      if (t == SourceNode.ScalarType.INTEGER) {
        try {
          return IntOrString.of(Integer.parseInt(text));
        } catch (NumberFormatException tooBig) {
          sink.error(path, "invalid value " + describe(scalar), "32-bit integer or name");
          return null;
        }
      }
      return IntOrString.of(text);
    }
    if (raw.isEnum()) {
      if (t == SourceNode.ScalarType.STRING) {
        for (Object constant : raw.getEnumConstants()) {
          if (((Enum<?>) constant).name().equals(text)) {
            return constant;
          }
        }
      }
      sink.error(path, "unsupported value " + describe(scalar), "one of " + enumNames(raw));
      return raw.getEnumConstants()[0];
    }
    if (raw == Object.class) {
      return Struct.valueOf(scalar);
    }
    sink.error(path, "invalid value " + describe(scalar), typeName(raw));
    return null;
  }

  static String enumNames(Class<?> type) {
    return Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name()).collect(Collectors.joining(", "));
  }

  private static String describe(SourceNode node) {
    return switch (node) {
      case SourceNode.ScalarNode s when s.type() == SourceNode.ScalarType.STRING -> "\"" + s.text() + "\"";
      case SourceNode.ScalarNode s -> s.text();
      case SourceNode.NullNode n -> "null";
      case SourceNode.MapNode m -> "of type object";
      case SourceNode.ListNode l -> "of type list";
    };
  }

  private static String typeName(Type type) {
    Class<?> raw = raw(type);
    if (raw == String.class) {
      return "string";
    }
    if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class) {
      return "integer";
    }
    if (raw == double.class || raw == Double.class) {
      return "number";
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return "boolean";
    }
    if (raw == Duration.class) {
      return "duration";
    }
    if (raw == List.class) {
      return "list";
    }
    if (raw.isEnum()) {
      return "one of " + enumNames(raw);
    }
    return "object";
  }

  private static Class<?> raw(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType p) {
      return (Class<?>) p.getRawType();
    }
    throw new IllegalArgumentException("unsupported model type " + type);
  }

  private static Shape shapeOf(Class<?> type) {
    RecordComponent[] rcs = type.getRecordComponents();
    Component[] components = new Component[rcs.length];
    Class<?>[] types = new Class<?>[rcs.length];
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < rcs.length; i++) {
      JsonName name = rcs[i].getAnnotation(JsonName.class);
      String json = name != null ? name.value() : rcs[i].getName();
      components[i] =
          new Component(json, rcs[i].getGenericType(), rcs[i].getType(), rcs[i].isAnnotationPresent(OneOf.class));
      types[i] = rcs[i].getType();
      index.put(json, i);
      String snake = snakeCase(json);
      index.putIfAbsent(snake, i);
    }
    try {
      Constructor<?> constructor = type.getDeclaredConstructor(types);
      constructor.setAccessible(true);
      return new Shape(components, Map.copyOf(index), constructor, type.isAnnotationPresent(Lenient.class));
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("record without canonical constructor: " + type, e);
    }
  }

  /** {@code http1MaxPendingRequests} → {@code http1_max_pending_requests}, as protoc names fields. */
  static String snakeCase(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
