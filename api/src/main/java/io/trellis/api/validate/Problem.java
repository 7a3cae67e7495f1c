package io.trellis.api.validate;

import io.trellis.api.model.Location;
import io.trellis.api.model.ResourceKey;
import java.util.Comparator;
import java.util.Objects;

/**
 * One thing wrong with the configuration, with where and why. {@link #format()} renders it as
 * {@code FILE:LINE: KIND NAMESPACE/NAME: FIELD.PATH: message (expected: …)}; parts that do not
 * apply (no resource yet for a syntax error, no path, no expectation) are left out, and warnings
 * carry {@code warning: } before the message.
 *
 * @param resource the resource concerned, or {@code null} when the problem precedes one
 * @param path the field path, or {@code ""} for the whole resource
 * @param expected what would have been accepted, or {@code null}
 */
public record Problem(
    Severity severity, Location location, ResourceKey resource, String path, String message, String expected) {

  /** Orders problems by file, line, then message, so output is deterministic. */
  public static final Comparator<Problem> BY_LOCATION =
      Comparator.comparing((Problem p) -> p.location().file())
          .thenComparingInt(p -> p.location().line())
          .thenComparing(Problem::format);

  public Problem {
    Objects.requireNonNull(severity);
    Objects.requireNonNull(location);
    Objects.requireNonNull(message);
    path = path == null ? "" : path;
  }

  public static Problem error(Location location, ResourceKey resource, String path, String message, String expected) {
    return new Problem(Severity.ERROR, location, resource, path, message, expected);
  }

  public static Problem warning(Location location, ResourceKey resource, String path, String message, String expected) {
    return new Problem(Severity.WARNING, location, resource, path, message, expected);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  public String format() {
    StringBuilder out = new StringBuilder();
    out.append(location.file()).append(':').append(location.line()).append(": ");
    if (resource != null) {
      out.append(resource).append(": ");
    }
    if (!path.isEmpty()) {
      out.append(path).append(": ");
    }
    if (severity == Severity.WARNING) {
      out.append("warning: ");
    }
    out.append(message);
    if (expected != null) {
      out.append(" (expected: ").append(expected).append(')');
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
