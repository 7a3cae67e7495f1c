package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Spec;
import io.trellis.api.model.WorkloadSelector;
import java.util.Map;

/** The spec of an Istio {@code ProxyConfig}: per-workload proxy settings. */
public record ProxyConfig(
    WorkloadSelector selector, Integer concurrency, Map<String, String> environmentVariables, ProxyImage image)
    implements Spec {
  public ProxyConfig {
    environmentVariables = Frozen.map(environmentVariables);
  }


  /** Which proxy image variant to use (e.g. distroless). */
  public record ProxyImage(String imageType) {}
}
