package io.trellis.proxy.xds;

import java.util.Map;

/**
 * What the ADS client holds for one resource type at one moment: the accepted version, the accepted
 * resources by name, and the last rejected update (or {@code null}). Immutable; read from any thread.
 */
public record TypeState(String version, Map<String, ResourceEntry<?>> resources, RejectedUpdate lastRejection) {
  public static final TypeState EMPTY = new TypeState("", Map.of(), null);

  public TypeState {
    resources = Map.copyOf(resources);
  }
}
