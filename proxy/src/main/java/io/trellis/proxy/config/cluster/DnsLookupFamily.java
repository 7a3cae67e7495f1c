package io.trellis.proxy.config.cluster;

/** Which address families a DNS cluster asks for (Envoy's {@code Cluster.DnsLookupFamily}). */
public enum DnsLookupFamily {
  /** IPv6 first, IPv4 when there is no IPv6 answer (Envoy's default). */
  AUTO,
  V4_ONLY,
  V6_ONLY,
  /** IPv4 first, IPv6 when there is no IPv4 answer. */
  V4_PREFERRED,
  /** Both families. */
  ALL
}
