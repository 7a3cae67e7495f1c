package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import java.util.Map;

/**
 * The networking API's {@code WorkloadSelector} (ServiceEntry, Sidecar, EnvoyFilter): labels in
 * the field {@code labels}, unlike the security and telemetry API's {@code matchLabels} (see
 * {@link io.trellis.api.model.WorkloadSelector}).
 */
public record WorkloadLabels(Map<String, String> labels) {
  public WorkloadLabels {
    labels = Frozen.map(labels);
  }
}
