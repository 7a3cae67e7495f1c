package io.trellis.proxy.health;

import io.trellis.proxy.stats.Counter;
import io.trellis.proxy.stats.Gauge;
import io.trellis.proxy.stats.StatsStore;

/** A cluster's {@code cluster.NAME.health_check.*} stats under Envoy's names. */
public final class HealthCheckStats {
  final Counter attempt;
  final Counter success;
  final Counter failure;
  final Counter networkFailure;
  final Gauge healthy;

  public HealthCheckStats(StatsStore store, String clusterName) {
    String p = "cluster." + clusterName + ".health_check.";
    attempt = store.counter(p + "attempt");
    success = store.counter(p + "success");
    failure = store.counter(p + "failure");
    networkFailure = store.counter(p + "network_failure");
    healthy = store.gauge(p + "healthy");
  }
}
