package io.trellis.samples.bookinfo;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The four Bookinfo services this jar can run. */
public enum ServiceName {
  PRODUCTPAGE("productpage"),
  DETAILS("details"),
  REVIEWS("reviews"),
  RATINGS("ratings");

  private final String label;

  ServiceName(String label) {
    this.label = label;
  }

  /**
   * The service called {@code label} on the command line.
   *
   * @throws IllegalArgumentException naming the services there are
   */
  public static ServiceName parse(String label) {
    for (ServiceName service : values()) {
      if (service.label.equals(label)) {
        return service;
      }
    }
    throw new IllegalArgumentException("service: '" + label + "' (expected: " + choices() + ")");
  }

  /** The accepted labels, for usage text. */
  public static String choices() {
    return Arrays.stream(values()).map(ServiceName::label).collect(Collectors.joining(", "));
  }

  /** The name used on the command line and in Kubernetes, e.g. {@code reviews}. */
  public String label() {
    return label;
  }
}
