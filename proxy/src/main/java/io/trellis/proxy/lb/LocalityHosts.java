package io.trellis.proxy.lb;

import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.Host.Locality;
import java.util.List;

/**
 * The hosts of one locality at one priority, as a load balancer is built from them.
 *
 * @param priority 0 is the highest
 * @param locality the hosts' locality
 * @param weight the locality's weight for locality-weighted balancing (0: unset, no traffic then)
 * @param hosts every host, healthy or not (health is read from {@link Host#healthy()} at build time)
 */
public record LocalityHosts(int priority, Locality locality, int weight, List<Host> hosts) {
  public LocalityHosts {
    hosts = List.copyOf(hosts);
  }
}
