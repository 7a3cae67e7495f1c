package io.trellis.proxy.lb;

import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;

/** Picks a host for one request attempt. Implementations are immutable snapshots, safe on any thread. */
public interface LoadBalancer {

  /** The chosen host, or {@code null} when no host can take traffic. */
  Host choose(LoadBalancerContext context);

  /** A balancer that never has a host (a cluster before its first membership). */
  LoadBalancer EMPTY = context -> null;
}
