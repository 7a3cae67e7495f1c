package io.trellis.proxy.admin;

import java.util.List;

/**
 * What {@code /clusters} shows of one cluster.
 *
 * @param addedViaApi whether the cluster came over CDS rather than from the bootstrap
 */
public record ClusterStatus(String name, boolean addedViaApi, List<HostStatus> hosts) {
  public ClusterStatus {
    hosts = List.copyOf(hosts);
  }

  /**
   * One host of a cluster.
   *
   * @param address {@code ip:port}
   * @param healthy whether the host takes load-balanced traffic
   * @param weight the load-balancing weight
   * @param zone the locality zone, possibly empty
   * @param counters Envoy's per-host stats by name ({@code cx_active}, {@code rq_total}, ...), in order
   */
  public record HostStatus(String address, boolean healthy, int weight, String zone, java.util.Map<String, Long> counters) {
    public HostStatus {
      counters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counters));
    }
  }
}
