package io.trellis.proxy.upstream;

/** What every pool of one cluster shares: settings, the connector, and the cluster's stats. */
record PoolContext(String clusterName, PoolSettings settings, UpstreamConnector connector, ClusterStats stats) {

  void streamStarted(UpstreamHost host) {
    host.streamStarted();
    stats.rqActive.inc();
  }

  void streamEnded(UpstreamHost host, boolean success) {
    host.streamEnded(success);
    stats.rqActive.dec();
  }
}
