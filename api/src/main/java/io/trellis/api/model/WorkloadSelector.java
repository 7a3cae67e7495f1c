package io.trellis.api.model;

import java.util.Map;

/** Istio's {@code type.v1beta1.WorkloadSelector}: selects workloads by labels in the policy's namespace. */
public record WorkloadSelector(Map<String, String> matchLabels) {
  public WorkloadSelector {
    matchLabels = Frozen.map(matchLabels);
  }
}
