package io.trellis.proxy.upstream;

import io.trellis.proxy.outlier.HostMonitor;
import io.trellis.proxy.outlier.LocalOriginEvent;

/**
 * What every pool of one cluster shares: settings, the connector, the cluster's stats and circuit
 * breakers. It is also where pools report what they saw of a host (status codes, connect failures,
 * resets) to outlier detection.
 */
record PoolContext(String clusterName, PoolSettings settings, UpstreamConnector connector, ClusterStats stats,
    ClusterLimits.PriorityLimits limits) {

  /** A context without circuit breakers (pools built outside a cluster, in tests). */
  PoolContext(String clusterName, PoolSettings settings, UpstreamConnector connector, ClusterStats stats) {
    this(clusterName, settings, connector, stats, ClusterLimits.unlimited());
  }

  void streamStarted(UpstreamHost host) {
    host.streamStarted();
    stats.rqActive.inc();
    limits.requests().acquire();
  }

  void streamEnded(UpstreamHost host, boolean success) {
    host.streamEnded(success);
    stats.rqActive.dec();
    limits.requests().release();
  }

  /**
   * max_requests: whether a new stream may start. Checked before a stream is taken or queued, as Envoy
   * does; counts the overflow when not.
   */
  UpstreamFailure requestOverflow(UpstreamHost host) {
    if (limits.requests().canAcquire()) {
      return null;
    }
    stats.rqOverflow.inc();
    return new UpstreamFailure(UpstreamFailure.Reason.OVERFLOW,
        "cluster " + clusterName + ": max_requests " + limits.requests().max() + " reached (host " + host + ")");
  }

  /** max_pending_requests: takes a pending slot or returns the overflow failure. */
  UpstreamFailure tryAddPending(UpstreamHost host) {
    if (!limits.pendingRequests().tryAcquire()) {
      stats.rqPendingOverflow.inc();
      return new UpstreamFailure(UpstreamFailure.Reason.OVERFLOW, "cluster " + clusterName + ": max_pending_requests "
          + limits.pendingRequests().max() + " reached (host " + host + ")");
    }
    stats.rqPendingActive.inc();
    return null;
  }

  void pendingRemoved() {
    stats.rqPendingActive.dec();
    limits.pendingRequests().release();
  }

  /**
   * max_connections, cluster-wide and per host ({@code per_host_thresholds}): whether a pool of
   * {@code host} may open another connection. A pool with no connection at all always may, as in
   * Envoy: otherwise its waiting requests could wait for ever while other pools hold every connection.
   */
  boolean mayConnect(UpstreamHost host, int poolConnections) {
    if ((limits.connections().canAcquire() && hostMayConnect(host)) || poolConnections == 0) {
      return true;
    }
    stats.cxOverflow.inc();
    return false;
  }

  /** per_host_thresholds max_connections: whether {@code host} (all its pools together) is below its limit. */
  boolean hostMayConnect(UpstreamHost host) {
    return host.cxActive.get() < limits.perHostMaxConnections();
  }

  /** An upstream answered with {@code status} (after informational responses). */
  void reportStatus(UpstreamHost host, int status) {
    HostMonitor m = host.outlierMonitor();
    if (m != null) {
      m.putHttpStatus(status);
    }
  }

  /** Something happened to a host that this proxy saw rather than the upstream said. */
  void reportLocal(UpstreamHost host, LocalOriginEvent event) {
    HostMonitor m = host.outlierMonitor();
    if (m != null) {
      m.putLocalOrigin(event);
    }
  }

  /** Reports a failed stream by its reason; overflow and our own resets say nothing about the host. */
  void reportFailure(UpstreamHost host, UpstreamFailure.Reason reason) {
    switch (reason) {
      case CONNECTION_FAILURE, REMOTE_RESET -> reportLocal(host, LocalOriginEvent.CONNECT_FAILED);
      case CONNECT_TIMEOUT -> reportLocal(host, LocalOriginEvent.TIMEOUT);
      case PROTOCOL_ERROR -> reportStatus(host, 500);
      case OVERFLOW, LOCAL_RESET -> {}
    }
  }
}
