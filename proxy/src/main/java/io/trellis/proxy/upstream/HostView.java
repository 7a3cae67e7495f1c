package io.trellis.proxy.upstream;

import io.trellis.proxy.config.cluster.HealthStatus;
import io.trellis.proxy.upstream.Host.Locality;
import java.net.InetSocketAddress;

/** One host as the admin {@code /clusters} page shows it: identity, health, and Envoy's per-host counters. */
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
    long rqActive) {}
