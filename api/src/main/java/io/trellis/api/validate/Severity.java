package io.trellis.api.validate;

/** How bad a problem is: an ERROR is what Istio's webhook would reject; a WARNING is what it warns about. */
public enum Severity {
  ERROR,
  WARNING
}
