package io.trellis.control.xds;

/**
 * Computes the xDS resources for one proxy from one immutable configuration snapshot. This is the
 * seam between translation and serving: the push context (package {@code io.trellis.control.model})
 * implements it, and the {@link XdsServer} calls it for every connected proxy when a new snapshot is
 * pushed, then diffs the result against what that proxy already has.
 *
 * <p>Implementations must be pure and thread-safe: the server calls {@code generate} for different
 * proxies concurrently, and calling it twice for the same node must give equal resources (equal
 * content hashes), or the server would push changes that are not changes.
 */
@FunctionalInterface
public interface XdsGenerator {

  /** A generator for no configuration: every proxy gets no resources. */
  XdsGenerator EMPTY = node -> XdsResources.EMPTY;

  /** All resources (clusters, endpoints, listeners, routes, …) this proxy should have. */
  XdsResources generate(ProxyNode node);
}
