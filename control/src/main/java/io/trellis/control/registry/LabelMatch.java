package io.trellis.control.registry;

import java.util.Map;

/** Kubernetes equality-based label selection: every selector pair must be present. */
public final class LabelMatch {
  private LabelMatch() {}

  public static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    for (var e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
