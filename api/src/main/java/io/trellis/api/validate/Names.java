package io.trellis.api.validate;

import java.util.Map;

/**
 * The naming rules Istio and Kubernetes apply: DNS-1123 labels and subdomains, host names with a
 * leading wildcard, FQDNs, label keys and values, port names. Each check returns {@code null}
 * when the value is fine, else the message to report.
 */
public final class Names {

  // These fixed grammars are checked by hand rather than with a regex: they run for every host,
  // name and label of every resource, and a character loop is many times cheaper.

  private static boolean alnum(char c, boolean upper) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (upper && c >= 'A' && c <= 'Z');
  }

  /** {@code [alnum]([alnum or inner chars]*[alnum])?} over {@code s[from, to)}. */
  private static boolean word(String s, int from, int to, boolean upper, String inner) {
    if (to <= from || !alnum(s.charAt(from), upper) || !alnum(s.charAt(to - 1), upper)) {
      return false;
    }
    for (int i = from + 1; i < to - 1; i++) {
      char c = s.charAt(i);
      if (!alnum(c, upper) && inner.indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  private static boolean isWildcardLabel(String label) {
    if (label.equals("*")) {
      return true;
    }
    int start = label.startsWith("*-") ? 2 : label.startsWith("*") ? 1 : 0;
    return word(label, start, label.length(), true, "-");
  }

  /** A lowercase RFC 1123 subdomain: labels of [a-z0-9-] joined by dots. */
  private static boolean isLowercaseSubdomain(String value) {
    int start = 0;
    while (true) {
      int dot = value.indexOf('.', start);
      int end = dot < 0 ? value.length() : dot;
      if (!word(value, start, end, false, "-")) {
        return false;
      }
      if (dot < 0) {
        return true;
      }
      start = dot + 1;
    }
  }

  private static boolean isLabelName(String value) {
    return word(value, 0, value.length(), true, "-_.");
  }

  private Names() {}

  /** A DNS-1123 label as Istio reads it (letters of either case, digits, '-'; at most 63). */
  public static boolean isDnsLabel(String value) {
    return value.length() <= 63 && word(value, 0, value.length(), true, "-");
  }

  /** A Kubernetes object name: a lowercase RFC 1123 subdomain of at most 253 characters. */
  public static boolean isObjectName(String value) {
    return !value.isEmpty() && value.length() <= 253 && isLowercaseSubdomain(value);
  }

  /** A Kubernetes namespace name: a lowercase RFC 1123 label. */
  public static boolean isNamespaceName(String value) {
    return value.length() <= 63 && !value.contains(".") && isLowercaseSubdomain(value);
  }

  private static String preconditions(String domain) {
    if (domain.length() > 255) {
      return "domain name \"" + domain + "\" too long (max 255)";
    }
    if (domain.isEmpty()) {
      return "empty domain name not allowed";
    }
    return null;
  }

  private static String labels(String domain) {
    return labels(domain, domain);
  }

  /** Checks the labels of {@code part}, naming {@code domain} (the whole host) in messages. */
  private static String labels(String domain, String part) {
    String[] parts = part.split("\\.", -1);
    String top = parts[parts.length - 1];
    if (!top.isEmpty() && top.chars().allMatch(Character::isDigit)) {
      return "domain name \"" + domain + "\" invalid (top level domain \"" + top + "\" cannot be all-numeric)";
    }
    for (int i = 0; i < parts.length; i++) {
      if (i == parts.length - 1 && parts[i].isEmpty()) {
        return null; // a trailing dot, as in "istio.io."
      }
      if (!isDnsLabel(parts[i])) {
        return "domain name \"" + domain + "\" invalid (label \"" + parts[i] + "\" invalid)";
      }
    }
    return null;
  }

  /** A fully qualified domain name (short names are accepted too: "reviews" is one label). */
  public static String checkFqdn(String fqdn) {
    String pre = preconditions(fqdn);
    return pre != null ? pre : labels(fqdn);
  }

  /** A domain whose first label may be a wildcard ({@code *}, {@code *.example.com}, {@code *x}). */
  public static String checkWildcardDomain(String domain) {
    String pre = preconditions(domain);
    if (pre != null) {
      return pre;
    }
    int dot = domain.indexOf('.');
    String first = dot < 0 ? domain : domain.substring(0, dot);
    if (first.length() > 63 || !isWildcardLabel(first)) {
      return "domain name \"" + domain + "\" invalid (label \"" + first + "\" invalid)";
    }
    return dot < 0 ? null : labels(domain, domain.substring(dot + 1));
  }

  /** A wildcard only as a whole first label: {@code *x} is allowed by the syntax but Istio warns. */
  public static String checkPartialWildcard(String host) {
    if (host.contains("*") && host.length() != 1 && !host.startsWith("*.")) {
      return "partial wildcard \"" + host + "\" not allowed";
    }
    return null;
  }

  /** A Kubernetes label key: an optional DNS subdomain prefix and a name of at most 63 characters. */
  public static String checkLabelKey(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !isLowercaseSubdomain(prefix)) {
        return "invalid label key \"" + key + "\"";
      }
    }
    if (name.isEmpty() || name.length() > 63 || !isLabelName(name)) {
      return "invalid label key \"" + key + "\"";
    }
    return null;
  }

  /** A Kubernetes label value: empty, or at most 63 alphanumerics with '-', '_', '.' inside. */
  public static String checkLabelValue(String value) {
    if (value.isEmpty()) {
      return null;
    }
    if (value.length() > 63 || !isLabelName(value)) {
      return "invalid label value \"" + value + "\"";
    }
    return null;
  }

  /** Reports every invalid key and value of a label map at {@code path[key]}. */
  public static void checkLabels(Map<String, String> labels, String path, Findings findings) {
    labels.forEach(
        (k, v) -> {
          String at = path + "[" + k + "]";
          findings.errorIf(at, checkLabelKey(k));
          findings.errorIf(at, checkLabelValue(v));
        });
  }

  /** A port name: a DNS-1123 label. */
  public static String checkPortName(String name) {
    return isDnsLabel(name) ? null : "invalid port name \"" + name + "\"";
  }

  /** A port number in 1..65535. */
  public static boolean isPort(long port) {
    return port >= 1 && port <= 65535;
  }
}
