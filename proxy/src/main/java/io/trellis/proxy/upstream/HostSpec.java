package io.trellis.proxy.upstream;

import io.trellis.proxy.config.cluster.HealthStatus;
import io.trellis.proxy.upstream.Host.Locality;
import java.net.InetSocketAddress;
import java.util.Map;

/** One host a membership update asks for: an endpoint with its address resolved. */
record HostSpec(
    InetSocketAddress address,
    String hostname,
    Locality locality,
    Map<String, String> lbMetadata,
    int priority,
    int localityWeight,
    int weight,
    HealthStatus healthStatus) {

  String key() {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }

  /** Whether {@code host} is this endpoint with at most its weight or health changed. */
  boolean sameIdentity(UpstreamHost host) {
    return host.address().equals(address) && host.hostname().equals(hostname) && host.locality().equals(locality)
        && host.lbMetadata().equals(lbMetadata) && host.priority() == priority && host.localityWeight() == localityWeight;
  }

  UpstreamHost newHost() {
    return new UpstreamHost(address, hostname, locality, lbMetadata, priority, localityWeight, weight, healthStatus);
  }
}
