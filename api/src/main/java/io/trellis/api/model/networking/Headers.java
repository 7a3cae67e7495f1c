package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import java.util.List;
import java.util.Map;

/** Istio's {@code Headers}: header manipulations applied to requests and responses. */
public record Headers(HeaderOperations request, HeaderOperations response) {

  /** Set (overwrite), add (append) and remove operations, applied in that order. */
  public record HeaderOperations(Map<String, String> set, Map<String, String> add, List<String> remove) {
    public HeaderOperations {
      set = Frozen.map(set);
      add = Frozen.map(add);
      remove = Frozen.list(remove);
    }
  }
}
