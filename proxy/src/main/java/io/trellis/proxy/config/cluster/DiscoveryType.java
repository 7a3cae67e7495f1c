package io.trellis.proxy.config.cluster;

/** How a cluster learns its hosts (Envoy's {@code Cluster.DiscoveryType}). */
public enum DiscoveryType {
  /** Hosts are the cluster's inline load assignment. */
  STATIC,
  /** Hosts arrive over EDS, by the cluster's EDS service name. */
  EDS,
  /** Every address each endpoint's hostname resolves to is a host; re-resolved periodically. */
  STRICT_DNS,
  /** One logical host whose connections go to the hostname's current first address. */
  LOGICAL_DNS,
  /** The host is the downstream connection's original destination. */
  ORIGINAL_DST
}
