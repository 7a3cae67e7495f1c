package io.trellis.api.model;

/**
 * Kubernetes' int-or-string (a Service's {@code targetPort}): exactly one of {@code number} and
 * {@code name} is set.
 */
public record IntOrString(Integer number, String name) {

  public static IntOrString of(int number) {
    return new IntOrString(number, null);
  }

  public static IntOrString of(String name) {
    return new IntOrString(null, name);
  }

  public boolean isNumber() {
    return number != null;
  }

  @Override
  public String toString() {
    return isNumber() ? number.toString() : name;
  }
}
