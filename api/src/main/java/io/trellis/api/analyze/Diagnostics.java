package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import java.util.ArrayList;
import java.util.List;

/** Where analyzers report; locates each finding at the field it is about. */
public final class Diagnostics {
  private final List<Diagnostic> found = new ArrayList<>();

  /** Reports {@code message} about {@code path} of {@code resource} (located at that field, or its nearest written ancestor). */
  public void report(MessageType type, Resource<?> resource, String path, String message) {
    found.add(new Diagnostic(type, resource.location(path), resource.key(), path, message));
  }

  /** Everything reported so far, sorted by location. */
  public List<Diagnostic> sorted() {
    return found.stream().sorted(Diagnostic.BY_LOCATION).distinct().toList();
  }
}
