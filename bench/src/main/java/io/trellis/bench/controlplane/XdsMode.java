package io.trellis.bench.controlplane;

/** The two ADS variants: every response carries every subscribed resource, or only what changed. */
public enum XdsMode {
  /** StreamAggregatedResources: state of the world. */
  SOTW("sotw"),
  /** DeltaAggregatedResources: incremental. */
  DELTA("delta");

  private final String label;

  XdsMode(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
