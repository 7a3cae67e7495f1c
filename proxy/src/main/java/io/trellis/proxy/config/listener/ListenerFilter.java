package io.trellis.proxy.config.listener;

/** The listener filters Trellis implements, by Envoy's names; they run before filter-chain matching. */
public enum ListenerFilter {
  /** Reads the TLS ClientHello (without consuming it) for SNI and ALPN; transport protocol "tls". */
  TLS_INSPECTOR("envoy.filters.listener.tls_inspector"),
  /** Takes the destination from the connection's original destination (iptables REDIRECT or TPROXY). */
  ORIGINAL_DST("envoy.filters.listener.original_dst"),
  /** Detects plaintext HTTP/1.x or the HTTP/2 preface; application protocols "http/1.1" or "h2c". */
  HTTP_INSPECTOR("envoy.filters.listener.http_inspector");

  private final String envoyName;

  ListenerFilter(String envoyName) {
    this.envoyName = envoyName;
  }

  public String envoyName() {
    return envoyName;
  }

  /** The filter with this Envoy name, or an error naming the known ones. */
  public static ListenerFilter byName(String name) {
    for (ListenerFilter f : values()) {
      if (f.envoyName.equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "listener_filters.name: '" + name + "' (expected: envoy.filters.listener.tls_inspector, original_dst or http_inspector)");
  }
}
