package io.trellis.api.analyze;

import io.trellis.api.model.Location;
import io.trellis.api.model.ResourceKey;
import java.util.Comparator;
import java.util.Objects;

/**
 * One finding. {@link #format()} renders
 * {@code FILE:LINE: Error [IST0101] VirtualService default/reviews: spec.http[0].route[0].destination.host: Referenced host not found: "ratingz"}
 * — the project's problem format, with Istio's level and code in front of the resource.
 *
 * @param path the field the finding is about, or {@code ""} for the whole resource
 */
public record Diagnostic(MessageType type, Location location, ResourceKey resource, String path, String message) {

  /** By file, line, code and text, so output is deterministic. */
  public static final Comparator<Diagnostic> BY_LOCATION =
      Comparator.comparing((Diagnostic d) -> d.location().file())
          .thenComparingInt(d -> d.location().line())
          .thenComparing(d -> d.type().code())
          .thenComparing(Diagnostic::format);

  public Diagnostic {
    Objects.requireNonNull(type);
    Objects.requireNonNull(location);
    Objects.requireNonNull(resource);
    Objects.requireNonNull(message);
    path = path == null ? "" : path;
  }

  public Level level() {
    return type.level();
  }

  public String code() {
    return type.code();
  }

  public String format() {
    StringBuilder out = new StringBuilder();
    out.append(location.file()).append(':').append(location.line()).append(": ");
    out.append(type.level().label()).append(" [").append(type.code()).append("] ");
    out.append(resource.kind()).append(' ');
    if (!resource.namespace().isEmpty()) {
      out.append(resource.namespace()).append('/'); // cluster-scoped kinds (Namespace) have none
    }
    out.append(resource.name()).append(": ");
    if (!path.isEmpty()) {
      out.append(path).append(": ");
    }
    return out.append(message).toString();
  }

  @Override
  public String toString() {
    return format();
  }
}
