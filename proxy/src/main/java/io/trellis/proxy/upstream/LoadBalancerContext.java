package io.trellis.proxy.upstream;

import java.net.InetSocketAddress;
import java.util.Set;

/**
 * What the load balancer may use to pick a host for one attempt.
 *
 * @param hash the request's hash from the route's hash_policy, or {@code null} when it has none
 *     (ring hash and Maglev then pick at random)
 * @param excludedHosts hosts to avoid when possible (retry host predicate previous_hosts); may be empty
 * @param maxSelectionAttempts how many times to re-pick while the choice is excluded (Envoy's
 *     host_selection_retry_max_attempts), at least 1
 * @param originalDestination the downstream connection's original destination (ORIGINAL_DST
 *     clusters connect there), or {@code null}
 */
public record LoadBalancerContext(
    Long hash, Set<Host> excludedHosts, int maxSelectionAttempts, InetSocketAddress originalDestination) {
  public static final LoadBalancerContext NONE = new LoadBalancerContext(null, Set.of(), 1, null);

  public LoadBalancerContext {
    excludedHosts = Set.copyOf(excludedHosts);
    if (maxSelectionAttempts < 1) {
      throw new IllegalArgumentException("maxSelectionAttempts: " + maxSelectionAttempts + " (expected: >= 1)");
    }
  }
}
