package io.trellis.control.registry;

/**
 * Istio's host-name rules: short names in configuration mean services in the configuration's own
 * namespace, and wildcard hosts match by suffix.
 */
public final class HostNames {
  /** The Kubernetes cluster domain Istio assumes. */
  public static final String CLUSTER_DOMAIN = "cluster.local";

  private HostNames() {}

  /**
   * Resolves a host written in a resource in {@code namespace}: a name without dots ({@code
   * reviews}) becomes {@code reviews.NAMESPACE.svc.cluster.local}; anything else (including {@code
   * *}) stays as written, as Istio's short-name resolution does.
   */
  public static String fqdn(String host, String namespace) {
    if (host.isEmpty() || host.equals("*") || host.indexOf('.') >= 0) {
      return host;
    }
    return host + "." + namespace + ".svc." + CLUSTER_DOMAIN;
  }

  /** {@code name.namespace.svc.cluster.local}. */
  public static String kubernetes(String name, String namespace) {
    return name + "." + namespace + ".svc." + CLUSTER_DOMAIN;
  }

  /**
   * Whether {@code pattern} (possibly a wildcard such as {@code *} or {@code *.example.com}) covers
   * {@code host}, itself possibly a wildcard: {@code *.example.com} covers {@code a.example.com}
   * and {@code *.b.example.com}.
   */
  public static boolean covers(String pattern, String host) {
    if (pattern.equals("*")) {
      return true;
    }
    if (pattern.startsWith("*")) {
      String suffix = pattern.substring(1);
      return host.endsWith(suffix) && (host.startsWith("*") ? host.length() >= pattern.length() : host.length() > suffix.length());
    }
    return pattern.equals(host);
  }

  /** Whether two host patterns have any host in common. */
  public static boolean intersect(String a, String b) {
    return covers(a, b) || covers(b, a);
  }

  /**
   * The more specific of two intersecting patterns: the one the other covers (for {@code *} and
   * {@code a.com}, {@code a.com}).
   */
  public static String narrower(String a, String b) {
    return covers(a, b) ? b : a;
  }
}
