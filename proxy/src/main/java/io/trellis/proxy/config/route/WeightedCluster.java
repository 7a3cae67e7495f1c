package io.trellis.proxy.config.route;

/** One cluster of {@code weighted_clusters}, with header mutations applied when it is chosen. */
public record WeightedCluster(String name, int weight, HeaderMutations headers) {
  public WeightedCluster {
    Check.nonEmpty("weighted_clusters.clusters.name", name);
    if (weight < 0) {
      throw new IllegalArgumentException("weighted_clusters.clusters[" + name + "].weight: " + weight + " (expected: >= 0)");
    }
    headers = headers == null ? HeaderMutations.NONE : headers;
  }

  public WeightedCluster(String name, int weight) {
    this(name, weight, HeaderMutations.NONE);
  }
}
