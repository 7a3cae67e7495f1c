package io.trellis.proxy.upstream;

/** The clusters the proxy currently knows, by name. Safe to call from any event loop. */
public interface ClusterManager {

  /** The cluster with this name, or {@code null} when there is none (the router answers 503 NC). */
  UpstreamCluster cluster(String name);
}
