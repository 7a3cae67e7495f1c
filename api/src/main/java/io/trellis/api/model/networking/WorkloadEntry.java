package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Spec;
import java.util.Map;

/**
 * The spec of an Istio {@code WorkloadEntry} (also a ServiceEntry's endpoint and a WorkloadGroup's
 * template): one non-Kubernetes workload.
 */
public record WorkloadEntry(
    String address,
    Map<String, Integer> ports,
    Map<String, String> labels,
    String network,
    String locality,
    int weight,
    String serviceAccount)
    implements Spec {
  public WorkloadEntry {
    ports = Frozen.map(ports);
    labels = Frozen.map(labels);
  }
}
