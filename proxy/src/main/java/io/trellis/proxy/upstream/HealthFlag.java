package io.trellis.proxy.upstream;

/**
 * One reason a host is not healthy. A host serves traffic only while none is set; each source of
 * health information (EDS, active health checks, outlier detection) owns its flag, so
 * one source clearing its verdict never overrides another's.
 */
public enum HealthFlag {
  /** EDS says UNHEALTHY, DRAINING or TIMEOUT. */
  FAILED_EDS_HEALTH,
  /** EDS says DEGRADED (used only in panic mode here). */
  DEGRADED_EDS_HEALTH,
  /** An active health check failed (health checking). */
  FAILED_ACTIVE_HEALTH_CHECK,
  /** Outlier detection ejected the host. */
  FAILED_OUTLIER_CHECK;

  final int bit() {
    return 1 << ordinal();
  }
}
