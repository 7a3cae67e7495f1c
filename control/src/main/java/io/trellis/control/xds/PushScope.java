package io.trellis.control.xds;

import io.trellis.api.model.ResourceKey;
import java.time.Instant;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What caused a push: which configuration changed, whether only endpoints are expected to change,
 * and when the first change happened.
 *
 * <p>The server does not trust the scope to decide what to send: for every proxy it regenerates
 * and reconciles every type by content digest, so a type that did not change costs one comparison
 * and is not sent, and a change that reaches further than its kind suggests (a WorkloadEntry behind
 * a DNS ServiceEntry changes a cluster, not only endpoints) is still delivered. An endpoints-only
 * change therefore pushes only EDS because only EDS content changed. The kind and keys are for
 * logs, status and metrics; {@link #triggeredAt} is where proxy convergence time is measured from.
 *
 * @param kind full, or endpoints-only as classified from the changed kinds
 * @param changed the configuration resources whose change caused this push (may be empty, e.g.
 *     for a push at startup)
 * @param triggeredAt when the first change in this push happened
 */
public record PushScope(Kind kind, Set<ResourceKey> changed, Instant triggeredAt) {

  /** Whether a change is expected to move only endpoints. */
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
