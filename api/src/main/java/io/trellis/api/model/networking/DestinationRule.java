package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Spec;
import io.trellis.api.model.WorkloadSelector;
import java.util.List;
import java.util.Map;

/**
 * The spec of an Istio {@code DestinationRule}: policies for traffic to {@code host} after
 * routing, and the named subsets that routes may refer to.
 */
public record DestinationRule(
    String host,
    TrafficPolicy trafficPolicy,
    List<Subset> subsets,
    List<String> exportTo,
    WorkloadSelector workloadSelector)
    implements Spec {
  public DestinationRule {
    subsets = Frozen.list(subsets);
    exportTo = Frozen.list(exportTo);
  }


  /** A named group of the host's endpoints, selected by labels, with its own policy. */
  public record Subset(String name, Map<String, String> labels, TrafficPolicy trafficPolicy) {
    public Subset {
      labels = Frozen.map(labels);
    }
  }
}
