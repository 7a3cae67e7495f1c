package io.trellis.control.push;

import io.trellis.api.model.ResourceKey;
import io.trellis.control.xds.PushScope;
import java.time.Instant;
import java.util.Set;

/**
 * Decides how far a configuration change reaches. A change that touches only endpoint-bearing kinds
 * ({@value #ENDPOINT_KINDS_DOC}) is an endpoints-only push: translation must derive nothing but
 * ClusterLoadAssignments from those kinds, so pushing EDS alone is enough. Any other kind may change
 * listeners, routes or clusters, and makes a full push.
 */
public final class PushScopes {
  static final String ENDPOINT_KINDS_DOC = "WorkloadEntry, EndpointSlice, Endpoints";

  /** Kinds whose changes only move endpoints. */
  public static final Set<String> ENDPOINT_KINDS = Set.of("WorkloadEntry", "EndpointSlice", "Endpoints");

  private PushScopes() {}

  /** The scope of a change to these keys first seen at {@code at}. */
  public static PushScope of(Set<ResourceKey> changed, Instant at) {
    boolean endpointsOnly =
        !changed.isEmpty() && changed.stream().allMatch(k -> ENDPOINT_KINDS.contains(k.kind()));
    return endpointsOnly ? PushScope.endpoints(changed, at) : PushScope.full(changed, at);
  }
}
