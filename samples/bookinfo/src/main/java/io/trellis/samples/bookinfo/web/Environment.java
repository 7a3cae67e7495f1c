package io.trellis.samples.bookinfo.web;

import java.util.Map;
import java.util.Optional;

/**
 * The environment variables a service reads, passed in rather than read from
 * {@link System#getenv()} so that tests can run several differently configured services in one
 * JVM. Blank values count as unset, as they do for Istio's Bookinfo.
 */
public record Environment(Map<String, String> variables) {
  public Environment {
    variables = Map.copyOf(variables);
  }

  /** This process's environment. */
  public static Environment system() {
    return new Environment(System.getenv());
  }

  /** The value of {@code name}, if it is set and not blank. */
  public Optional<String> get(String name) {
    String value = variables.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** The value of {@code name}, or {@code fallback} when it is unset or blank. */
  public String get(String name, String fallback) {
    return get(name).orElse(fallback);
  }

  /**
   * A TCP port from {@code name}, or {@code fallback} when unset.
   *
   * @throws IllegalArgumentException when the value is not a port number
   */
  public int port(String name, int fallback) {
    Optional<String> value = get(name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(value.get());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw new IllegalArgumentException(
        name + ": '" + value.get() + "' (expected: a port number 1..65535)");
  }
}
