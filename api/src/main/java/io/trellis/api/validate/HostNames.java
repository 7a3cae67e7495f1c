package io.trellis.api.validate;

/** Istio's host-name algebra: wildcard matching between two hosts ({@code *.foo.com} and {@code a.foo.com}). */
public final class HostNames {

  private HostNames() {}

  /** Whether the two hosts overlap: one equals, or one's wildcard covers the other. */
  public static boolean matches(String a, String b) {
    boolean aWild = a.startsWith("*");
    boolean bWild = b.startsWith("*");
    if (!aWild && !bWild) {
      return a.equals(b);
    }
    if (aWild && bWild) {
      String sa = a.substring(1);
      String sb = b.substring(1);
      return sa.length() > sb.length() ? sa.endsWith(sb) : sb.endsWith(sa);
    }
    String wild = aWild ? a : b;
    String concrete = aWild ? b : a;
    return concrete.endsWith(wild.substring(1));
  }

  /** Whether every name {@code host} matches is matched by {@code of}. */
  public static boolean subsetOf(String host, String of) {
    if (of.startsWith("*")) {
      String suffix = of.substring(1);
      return host.startsWith("*") ? host.substring(1).endsWith(suffix) : host.endsWith(suffix);
    }
    return !host.startsWith("*") && host.equals(of);
  }
}
