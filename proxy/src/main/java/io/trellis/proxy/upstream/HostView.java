package io.trellis.proxy.upstream;

import io.trellis.proxy.config.cluster.HealthStatus;
import io.trellis.proxy.upstream.Host.Locality;
import java.net.InetSocketAddress;

/**
 * One host as the admin {@code /clusters} page shows it: identity, health, and Envoy's per-host counters.
 * {@code healthFlags} says which sources object to the host (Envoy's {@code health_flags}:
 * {@code /failed_active_hc}, {@code /failed_outlier_check}, {@code /failed_eds_health}, …).
 */
public record HostView(
    InetSocketAddress address,
    String hostname,
    Locality locality,
    int priority,
    int weight,
    HealthStatus edsHealthStatus,
    boolean healthy,
    long rqTotal,
    long rqSuccess,
    long rqError,
    long cxActive,
    long rqActive,
    java.util.Set<HealthFlag> healthFlags) {

  public HostView {
    healthFlags = healthFlags.isEmpty() ? java.util.Set.of() : java.util.Set.copyOf(java.util.EnumSet.copyOf(healthFlags));
  }
}
