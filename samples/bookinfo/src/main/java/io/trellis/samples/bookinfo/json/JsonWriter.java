package io.trellis.samples.bookinfo.json;

import java.util.List;
import java.util.Map;

/**
 * Serializes plain Java values to JSON text (RFC 8259).
 *
 * <p>Strings are escaped so that any Java string, including lone surrogates and control
 * characters, becomes valid JSON: a value written here always parses back to the same string.
 */
public final class JsonWriter {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonWriter() {}

  /**
   * Writes {@code value}: a {@code Map} with string keys, a {@code List}, a {@code CharSequence},
   * a {@code Number}, a {@code Boolean} or {@code null}.
   *
   * @throws IllegalArgumentException for any other type, a non-string key, or a non-finite number
   */
  public static String write(Object value) {
    StringBuilder out = new StringBuilder(128);
    append(out, value, "$");
    return out.toString();
  }

  /** Returns {@code text} as a quoted, escaped JSON string. */
  public static String quote(CharSequence text) {
    StringBuilder out = new StringBuilder(text.length() + 2);
    appendString(out, text);
    return out.toString();
  }

  private static void append(StringBuilder out, Object value, String path) {
    switch (value) {
      case null -> out.append("null");
      case CharSequence text -> appendString(out, text);
      case Boolean bool -> out.append(bool.booleanValue());
      case Double number -> appendFloating(out, number, path);
      case Float number -> appendFloating(out, number.doubleValue(), path);
      case Number number -> out.append(number);
      case Map<?, ?> map -> {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (!(entry.getKey() instanceof String key)) {
            throw new IllegalArgumentException(
                path + ": object key " + entry.getKey() + " (expected: a string)");
          }
          if (!first) {
            out.append(',');
          }
          first = false;
          appendString(out, key);
          out.append(':');
          append(out, entry.getValue(), path + "." + key);
        }
        out.append('}');
      }
      case List<?> list -> {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          append(out, list.get(i), path + "[" + i + "]");
        }
        out.append(']');
      }
      default ->
          throw new IllegalArgumentException(
              path + ": " + value.getClass().getName()
                  + " (expected: map, list, string, number, boolean or null)");
    }
  }

  private static void appendFloating(StringBuilder out, double number, String path) {
    if (!Double.isFinite(number)) {
      throw new IllegalArgumentException(path + ": " + number + " (expected: a finite number)");
    }
    if (number == Math.rint(number) && Math.abs(number) < 1e15) {
      out.append((long) number);
    } else {
      out.append(number);
    }
  }

  private static void appendString(StringBuilder out, CharSequence text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          boolean loneSurrogate =
              Character.isSurrogate(c) && !isPairedSurrogate(text, i, c);
          // U+2028/U+2029 are legal JSON but end a line in JavaScript source; escaping them
          // keeps the output safe to embed. A lone surrogate cannot be encoded as UTF-8.
          if (c < 0x20 || c == 0x2028 || c == 0x2029 || loneSurrogate) {
            out.append("\\u")
                .append(HEX[(c >> 12) & 0xf])
                .append(HEX[(c >> 8) & 0xf])
                .append(HEX[(c >> 4) & 0xf])
                .append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean isPairedSurrogate(CharSequence text, int i, char c) {
    if (Character.isHighSurrogate(c)) {
      return i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(text.charAt(i - 1));
  }
}
