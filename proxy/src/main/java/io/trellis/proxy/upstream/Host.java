package io.trellis.proxy.upstream;

import java.net.InetSocketAddress;
import java.util.Map;

/** One endpoint of a cluster. */
public interface Host {

  InetSocketAddress address();

  /** The endpoint's hostname (for DNS clusters and auto host rewrite), or empty. */
  String hostname();

  /** Region/zone/sub-zone, each possibly empty. */
  Locality locality();

  /** Endpoint metadata under the {@code envoy.lb} filter (subset load balancing), possibly empty. */
  Map<String, String> lbMetadata();

  /** Whether the host is currently eligible for load balancing (health checks, EDS status, ejection). */
  boolean healthy();

  /** The endpoint's load-balancing weight, at least 1. */
  default int weight() {
    return 1;
  }

  /** Requests in flight to this host right now (least-request balancing reads it on every pick). */
  default int activeRequests() {
    return 0;
  }

  /**
   * When the host joined the cluster (became usable for the first time), in the cluster clock's
   * milliseconds: where slow start measures from. {@link Long#MIN_VALUE}: long ago.
   */
  default long joinedMillis() {
    return Long.MIN_VALUE;
  }

  /** Locality of a host or endpoint group, as Envoy's core.v3.Locality. */
  record Locality(String region, String zone, String subZone) {
    public static final Locality NONE = new Locality("", "", "");
  }
}
