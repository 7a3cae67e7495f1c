package io.trellis.control.config;

import io.trellis.api.validate.Problem;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Input a source refused: which file (or object), why, and when. While a rejection stands, the
 * last good version of that input stays in force.
 *
 * @param origin the file path (or {@code api:NAME}, or a Kubernetes object) that was refused
 * @param problems every problem found, errors and warnings, each saying where and why
 * @param at when it was refused
 */
public record Rejection(String origin, List<Problem> problems, Instant at) {
  public Rejection {
    Objects.requireNonNull(origin, "origin");
    problems = List.copyOf(problems);
    Objects.requireNonNull(at, "at");
  }

  /** The problems formatted as people read them, one per line. */
  public List<String> messages() {
    return problems.stream().map(Problem::format).toList();
  }
}
