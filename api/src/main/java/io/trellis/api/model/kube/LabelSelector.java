package io.trellis.api.model.kube;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Lenient;
import java.util.List;
import java.util.Map;

/** A Kubernetes label selector (a Deployment's {@code selector}). */
@Lenient
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {
  public LabelSelector {
    matchLabels = Frozen.map(matchLabels);
    matchExpressions = Frozen.list(matchExpressions);
  }


  /** {@code key operator values}, operator one of In, NotIn, Exists, DoesNotExist. */
  @Lenient
  public record Requirement(String key, String operator, List<String> values) {
    public Requirement {
      values = Frozen.list(values);
    }
  }
}
