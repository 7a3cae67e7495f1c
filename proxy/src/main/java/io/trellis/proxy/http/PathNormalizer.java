package io.trellis.proxy.http;

/**
 * Path normalization as Envoy's {@code normalize_path} and {@code merge_slashes} do it: percent-decode
 * unreserved characters, upper-case remaining percent escapes, resolve {@code .} and {@code ..}
 * segments (RFC 3986 section 5.2.4), and optionally merge repeated slashes. The query is left alone.
 */
public final class PathNormalizer {
  private PathNormalizer() {}

  /** The normalized path, or {@code null} when the path is invalid (e.g. a malformed percent escape). */
  public static String normalize(String path, boolean dotSegments, boolean mergeSlashes) {
    String p = path;
    if (dotSegments) {
      p = decodeUnreserved(p);
      if (p == null) {
        return null;
      }
      p = removeDotSegments(p.replace('\\', '/'));
    }
    if (mergeSlashes) {
      p = mergeSlashes(p);
    }
    return p;
  }

  static String decodeUnreserved(String p) {
    if (p.indexOf('%') < 0) {
      return p;
    }
    StringBuilder sb = new StringBuilder(p.length());
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c != '%') {
        sb.append(c);
        continue;
      }
      if (i + 2 >= p.length()) {
        return null;
      }
      int hi = Character.digit(p.charAt(i + 1), 16);
      int lo = Character.digit(p.charAt(i + 2), 16);
      if (hi < 0 || lo < 0) {
        return null;
      }
      char decoded = (char) (hi * 16 + lo);
      if (Character.isLetterOrDigit(decoded) && decoded < 128 || decoded == '-' || decoded == '.' || decoded == '_' || decoded == '~') {
        sb.append(decoded);
      } else {
        sb.append('%').append(Character.toUpperCase(p.charAt(i + 1))).append(Character.toUpperCase(p.charAt(i + 2)));
      }
      i += 2;
    }
    return sb.toString();
  }

  static String removeDotSegments(String input) {
    if (input.indexOf('.') < 0) {
      return input;
    }
    StringBuilder out = new StringBuilder(input.length());
    int i = 0;
    int n = input.length();
    while (i < n) {
      if (input.startsWith("../", i)) {
        i += 3;
      } else if (input.startsWith("./", i)) {
        i += 2;
      } else if (input.startsWith("/./", i)) {
        i += 2;
      } else if (i + 2 == n && input.startsWith("/.", i)) {
        out.append('/');
        i += 2;
      } else if (input.startsWith("/../", i)) {
        i += 3;
        removeLastSegment(out);
      } else if (i + 3 == n && input.startsWith("/..", i)) {
        removeLastSegment(out);
        out.append('/');
        i += 3;
      } else if (i + 1 == n && input.charAt(i) == '.' || i + 2 == n && input.startsWith("..", i)) {
        i = n;
      } else {
        int next = input.indexOf('/', i + (input.charAt(i) == '/' ? 1 : 0));
        if (next < 0) {
          next = n;
        }
        out.append(input, i, next);
        i = next;
      }
    }
    return out.isEmpty() ? "/" : out.toString();
  }

  private static void removeLastSegment(StringBuilder out) {
    int slash = out.lastIndexOf("/");
    out.setLength(Math.max(slash, 0));
  }

  static String mergeSlashes(String p) {
    if (!p.contains("//")) {
      return p;
    }
    StringBuilder sb = new StringBuilder(p.length());
    char prev = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '/' && prev == '/') {
        continue;
      }
      sb.append(c);
      prev = c;
    }
    return sb.toString();
  }
}
