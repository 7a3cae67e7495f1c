package io.trellis.proxy.config.cluster;

/** An endpoint's health as EDS reports it (Envoy's {@code core.v3.HealthStatus}). */
public enum HealthStatus {
  UNKNOWN,
  HEALTHY,
  UNHEALTHY,
  DRAINING,
  TIMEOUT,
  DEGRADED;

  /**
   * Whether a host with this status takes traffic while healthy hosts exist. As in Envoy, UNKNOWN
   * counts as healthy (no one has said otherwise). DEGRADED does not: degraded hosts are used only
   * in panic mode here (Envoy's separate degraded load is not modelled).
   */
  public boolean servesTraffic() {
    return this == UNKNOWN || this == HEALTHY;
  }
}
