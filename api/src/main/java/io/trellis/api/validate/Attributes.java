package io.trellis.api.validate;

import java.util.List;
import java.util.Set;

/** The attribute keys an AuthorizationPolicy condition may test, and what their values must look like. */
final class Attributes {

  private static final Set<String> PLAIN =
      Set.of(
          "source.namespace", "source.principal", "source.serviceAccount", "source.trustDomain",
          "request.auth.principal", "request.auth.audiences", "request.auth.presenter", "connection.sni");
  private static final Set<String> IPS = Set.of("source.ip", "remote.ip", "destination.ip");

  private Attributes() {}

  static boolean isPort(String v) {
    if (v.isEmpty() || v.length() > 5 || !v.chars().allMatch(Character::isDigit)) {
      return false;
    }
    return Integer.parseInt(v) <= 65535;
  }

  /** {@code null} when {@code key} is known and every value fits it. */
  static String check(String key, List<String> values) {
    if (IPS.contains(key)) {
      for (String v : values) {
        if (!Addresses.isIp(v) && !Addresses.isCidr(v)) {
          return "invalid IP address or CIDR range: " + v;
        }
      }
      return null;
    }
    if (key.equals("destination.port")) {
      for (String v : values) {
        if (!isPort(v)) {
          return "invalid port: " + v;
        }
      }
      return null;
    }
    if (PLAIN.contains(key)) {
      return null;
    }
    if (bracketed(key, "request.headers") || bracketed(key, "request.auth.claims")) {
      return null;
    }
    if (key.startsWith("experimental.envoy.filters.") && key.endsWith("]") && key.contains("[")) {
      return null;
    }
    return "unknown attribute: " + key;
  }

  /** {@code prefix[name]} or, for claims, nested {@code prefix[a][b]}. */
  private static boolean bracketed(String key, String prefix) {
    if (!key.startsWith(prefix + "[") || !key.endsWith("]")) {
      return false;
    }
    String inner = key.substring(prefix.length() + 1, key.length() - 1);
    if (inner.isEmpty()) {
      return false;
    }
    return prefix.equals("request.auth.claims") ? !inner.contains("[]") : !inner.contains("[") && !inner.contains("]");
  }
}
