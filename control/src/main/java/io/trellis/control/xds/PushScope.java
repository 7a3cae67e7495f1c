package io.trellis.control.xds;

import io.trellis.api.model.ResourceKey;
import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a push may change, so the server does no more work (and sends no more) than a change needs.
 *
 * <p>{@link Kind#FULL}: any resource type may have changed; every proxy's resources are regenerated
 * and every changed type is pushed. {@link Kind#ENDPOINTS}: only endpoints changed (a workload came
 * or went, an endpoint's address or health changed), so only EDS is diffed and pushed; listeners,
 * routes and clusters are left as the proxy has them. Either way a proxy whose resources hash the
 * same as before receives nothing.
 *
 * @param kind full or endpoints-only
 * @param changed the configuration resources whose change caused this push (for logs, status and
 *     metrics; may be empty, e.g. for a push at startup)
 * @param triggeredAt when the first change in this push happened; proxy convergence time is
 *     measured from here
 */
public record PushScope(Kind kind, Set<ResourceKey> changed, Instant triggeredAt) {

  /** Which resource types a push may change. */
  public enum Kind {
    FULL,
    ENDPOINTS
  }

  public PushScope {
    Objects.requireNonNull(kind, "kind");
    changed = Collections.unmodifiableSet(new TreeSet<>(changed));
    Objects.requireNonNull(triggeredAt, "triggeredAt");
  }

  public static PushScope full(Set<ResourceKey> changed, Instant triggeredAt) {
    return new PushScope(Kind.FULL, changed, triggeredAt);
  }

  public static PushScope endpoints(Set<ResourceKey> changed, Instant triggeredAt) {
    return new PushScope(Kind.ENDPOINTS, changed, triggeredAt);
  }

  /** Whether resources of this type may have changed. */
  public boolean covers(XdsType type) {
    return kind == Kind.FULL || type == XdsType.ENDPOINT;
  }

  /** Whether resources of a type the server knows only by URL may have changed. */
  public boolean covers(String typeUrl) {
    return XdsType.fromTypeUrl(typeUrl).map(this::covers).orElse(kind == Kind.FULL);
  }

  /**
   * The scope of two pushes coalesced into one: full if either is full, the union of their changes,
   * and the earlier trigger time (convergence is measured from the first change a push carries).
   */
  public PushScope merge(PushScope other) {
    Set<ResourceKey> union = new TreeSet<>(changed);
    union.addAll(other.changed);
    Kind k = kind == Kind.FULL || other.kind == Kind.FULL ? Kind.FULL : Kind.ENDPOINTS;
    Instant first = triggeredAt.isBefore(other.triggeredAt) ? triggeredAt : other.triggeredAt;
    return new PushScope(k, union, first);
  }
}
