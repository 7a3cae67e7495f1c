package io.trellis.proxy.config.cluster;

import java.util.Map;
import java.util.Objects;

/**
 * One endpoint of a load assignment (Envoy's {@code LbEndpoint}).
 *
 * @param address an IP literal, or for STRICT_DNS / LOGICAL_DNS clusters a name to resolve
 * @param port 1..65535
 * @param hostname {@code endpoint.hostname} (auto host rewrite, health checks), possibly empty
 * @param healthStatus as EDS reports it
 * @param loadBalancingWeight {@code load_balancing_weight}, at least 1 (1 when unset)
 * @param lbMetadata string values of the {@code envoy.lb} filter metadata, possibly empty
 */
public record LbEndpoint(
    String address,
    int port,
    String hostname,
    HealthStatus healthStatus,
    int loadBalancingWeight,
    Map<String, String> lbMetadata) {

  public LbEndpoint {
    if (address == null || address.isEmpty()) {
      throw new IllegalArgumentException("endpoint.address.socket_address.address: '" + address + "' (expected: non-empty)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("endpoint.address.socket_address.port_value: " + port + " (expected: 1..65535)");
    }
    Objects.requireNonNull(hostname, "endpoint.hostname");
    Objects.requireNonNull(healthStatus, "health_status");
    if (loadBalancingWeight < 1) {
      throw new IllegalArgumentException("load_balancing_weight: " + loadBalancingWeight + " (expected: >= 1)");
    }
    lbMetadata = Map.copyOf(lbMetadata);
  }

  /** A healthy-unknown endpoint of weight 1. */
  public static LbEndpoint of(String address, int port) {
    return new LbEndpoint(address, port, "", HealthStatus.UNKNOWN, 1, Map.of());
  }

  public LbEndpoint withHealthStatus(HealthStatus value) {
    return new LbEndpoint(address, port, hostname, value, loadBalancingWeight, lbMetadata);
  }

  public LbEndpoint withWeight(int value) {
    return new LbEndpoint(address, port, hostname, healthStatus, value, lbMetadata);
  }
}
