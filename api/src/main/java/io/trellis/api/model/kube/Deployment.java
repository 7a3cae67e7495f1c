package io.trellis.api.model.kube;

import io.trellis.api.model.Lenient;
import io.trellis.api.model.ObjectMeta;
import io.trellis.api.model.Spec;

/**
 * The {@code spec} of a Kubernetes {@code Deployment}: {@code trellis up} runs {@code replicas}
 * pods from {@code template}. {@code replicas} is {@code null} when not written (Kubernetes uses 1).
 */
@Lenient
public record Deployment(Integer replicas, LabelSelector selector, PodTemplate template) implements Spec {

  /** The replicas to run: as written, else 1. */
  public int effectiveReplicas() {
    return replicas == null ? 1 : replicas;
  }

  /** The pod template: labels and annotations (metadata) and the pod spec. */
  @Lenient
  public record PodTemplate(ObjectMeta metadata, PodSpec spec) {}
}
