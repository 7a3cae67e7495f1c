package io.trellis.api.validate;

import com.google.re2j.Pattern;
import java.util.Locale;

/** Header names and values as Istio accepts them in matches and header operations. */
final class HttpHeaders {

  private static final Pattern JWT_CLAIM = Pattern.compile("^@request\\.auth\\.claims(\\.[^.]+|\\[[^\\]]+\\])+$");

  private HttpHeaders() {}

  static String checkName(String name) {
    if (name.isEmpty()) {
      return "header name cannot be empty";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
      if (!ok) {
        return "header name " + name + " is not a valid header name";
      }
    }
    return null;
  }

  static boolean isJwtClaim(String name) {
    return JWT_CLAIM.matches(name);
  }

  static String checkMatchName(String name) {
    if (!name.isEmpty() && isJwtClaim(name)) {
      return null;
    }
    return checkName(name);
  }

  static boolean isAuthority(String name) {
    return name.equalsIgnoreCase(":authority") || name.equalsIgnoreCase("host");
  }

  private static boolean isInternal(String name) {
    return name.startsWith(":") || name.equalsIgnoreCase("host");
  }

  /** A header added or set on a request ({@code :authority}/{@code host} allowed). */
  static String checkRequestSetName(String name) {
    if (name.isEmpty()) {
      return "header name cannot be empty";
    }
    if (isInternal(name) && !isAuthority(name)) {
      return "invalid header \"" + name + "\": header cannot have \":\" prefix";
    }
    return null;
  }

  /** A header removed from a request or changed on a response. */
  static String checkOperationName(String name) {
    if (name.isEmpty()) {
      return "header name cannot be empty";
    }
    if (name.toLowerCase(Locale.ROOT).equals("host")) {
      return "invalid header \"" + name + "\": cannot set Host header";
    }
    if (isInternal(name)) {
      return "invalid header \"" + name + "\": header cannot have \":\" prefix";
    }
    return null;
  }

  /** A header value: no control characters, and '%' only as '%%' or around an Envoy variable. */
  static String checkValue(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return "header value configuration " + value + " is invalid";
      }
    }
    int i = 0;
    while (i < value.length()) {
      if (value.charAt(i) != '%') {
        i++;
        continue;
      }
      if (i + 1 < value.length() && value.charAt(i + 1) == '%') {
        i += 2;
        continue;
      }
      int close = value.indexOf('%', i + 1);
      if (close < 0 || close == i + 1) {
        return "header value configuration: invalid header value \"" + value + "\": '%' must be escaped as '%%'"
            + " or enclose a variable such as %HOSTNAME%";
      }
      i = close + 1;
    }
    return null;
  }
}
