package io.trellis.control.config;

import io.trellis.api.model.Resource;
import java.util.List;
import java.util.Objects;

/**
 * Everything one source holds right now: the resources in force (for a file source, the last good
 * version of each file) and the input it currently refuses.
 *
 * @param source the source's name
 * @param resources resources in force, in the source's order (a later one with the same key wins)
 * @param rejections input refused and not yet fixed
 */
public record SourceState(String source, List<Resource<?>> resources, List<Rejection> rejections) {
  public SourceState {
    Objects.requireNonNull(source, "source");
    resources = List.copyOf(resources);
    rejections = List.copyOf(rejections);
  }

  public static SourceState empty(String source) {
    return new SourceState(source, List.of(), List.of());
  }
}
