package io.trellis.proxy.config.route;

/**
 * One of Envoy's {@code RouteAction.request_mirror_policies}: a fire-and-forget copy of the request
 * to another cluster, for the given fraction of requests.
 *
 * @param cluster the shadow cluster
 * @param numerator with {@code denominator}, the share of requests mirrored ({@code runtime_fraction}'s
 *     default value; 100% when not configured)
 * @param denominator 100, 10,000 or 1,000,000, as Envoy's {@code FractionalPercent}
 * @param disableShadowHostSuffixAppend keep the authority as is instead of appending {@code -shadow}
 */
public record RequestMirrorPolicy(String cluster, long numerator, long denominator, boolean disableShadowHostSuffixAppend) {

  public RequestMirrorPolicy {
    Check.nonEmpty("request_mirror_policies.cluster", cluster);
    if (denominator != 100 && denominator != 10_000 && denominator != 1_000_000) {
      throw new IllegalArgumentException(
          "request_mirror_policies.runtime_fraction.denominator: " + denominator + " (expected: 100, 10000 or 1000000)");
    }
    if (numerator < 0) {
      throw new IllegalArgumentException(
          "request_mirror_policies.runtime_fraction.numerator: " + numerator + " (expected: >= 0)");
    }
  }

  public RequestMirrorPolicy(String cluster, long numerator, long denominator) {
    this(cluster, numerator, denominator, false);
  }

  /** Mirrors every request to {@code cluster}. */
  public static RequestMirrorPolicy all(String cluster) {
    return new RequestMirrorPolicy(cluster, 100, 100);
  }
}
