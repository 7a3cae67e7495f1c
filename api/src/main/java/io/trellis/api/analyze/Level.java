package io.trellis.api.analyze;

/** How serious a diagnostic is; the names print as Istio prints them. */
public enum Level {
  ERROR("Error"),
  WARNING("Warning"),
  INFO("Info");

  private final String label;

  Level(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
