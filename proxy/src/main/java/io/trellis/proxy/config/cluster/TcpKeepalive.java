package io.trellis.proxy.config.cluster;

/**
 * TCP keepalive on upstream connections (Envoy's {@code upstream_connection_options.tcp_keepalive}).
 * Each value 0 leaves the operating system's default in place; probe settings need epoll.
 *
 * @param probes {@code keepalive_probes}
 * @param timeSeconds {@code keepalive_time}: idle seconds before the first probe
 * @param intervalSeconds {@code keepalive_interval}: seconds between probes
 */
public record TcpKeepalive(int probes, int timeSeconds, int intervalSeconds) {
  public TcpKeepalive {
    check("keepalive_probes", probes);
    check("keepalive_time", timeSeconds);
    check("keepalive_interval", intervalSeconds);
  }

  private static void check(String field, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(
          "upstream_connection_options.tcp_keepalive." + field + ": " + value + " (expected: >= 0, 0 is the OS default)");
    }
  }
}
