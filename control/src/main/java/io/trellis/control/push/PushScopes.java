package io.trellis.control.push;

import io.trellis.api.model.ResourceKey;
import io.trellis.control.xds.PushScope;
import java.time.Instant;
import java.util.Set;

/**
 * Classifies a configuration change for logs and metrics: a change that touches only
 * endpoint-bearing kinds ({@value #ENDPOINT_KINDS_DOC}) is endpoints-only, anything else full.
 * Correctness does not rest on this: the xDS server reconciles every type by content.
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
