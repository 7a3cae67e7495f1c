package io.trellis.proxy.config.cluster;

/** Envoy's {@code core.v3.RoutingPriority}: which set of circuit-breaker thresholds a request counts against. */
public enum RoutingPriority {
  DEFAULT,
  HIGH
}
