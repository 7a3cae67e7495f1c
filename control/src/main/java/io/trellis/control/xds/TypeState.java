package io.trellis.control.xds;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One xDS type on one stream: what the proxy subscribed to, what it has, and the one response that
 * may be outstanding. Guarded by its {@link ProxyConnection}'s lock.
 *
 * <p>Memory is what this class is shaped by: with thousands of proxies each holding thousands of
 * clusters and endpoints, per-proxy copies of names, hashes or messages dominate the heap (2000
 * sidecars x 6000 resources was 1.7 GB of map entries). So the two big fields are immutable values
 * that are replaced, never mutated, and normally shared: {@link #names} is interned by the server
 * (proxies of one shape subscribe to the same names), and {@link #held} is usually the very map
 * generation produced for the proxy's shape.
 */
final class TypeState {
  final String typeUrl;
  /**
   * Whether subscribed names are namespaces ({@link XdsType#namespaced}: VHDS), each covering every
   * resource named {@code NAME/…}, rather than resource names.
   */
  final boolean namespaced;
  /** Whether the proxy has requested this type at all on this stream. */
  boolean subscribed;
  boolean wildcard;
  /** The names subscribed to (ignored when {@link #wildcard}); immutable, replaced on change. */
  Set<String> names = Set.of();
  /** State of the world: {@code resource_names} of the last request as sent, to spot a repeat cheaply. */
  com.google.protobuf.ByteString namesOnWire;
  /**
   * What the proxy has been sent and still holds, name to resource; immutable (often shared with
   * other proxies), replaced on change. Its messages are what {@code proxy-config} shows.
   */
  Map<String, XdsResources.Resource> held = Map.of();
  /** Whether {@link #held} is a map generation produced (shared), not one filtered for this proxy. */
  boolean heldGenerated;
  /**
   * Delta only: the versions a reconnecting proxy said it has ({@code initial_resource_versions})
   * for names the server has not sent on this stream; cleared by the first reconciliation.
   */
  Map<String, String> initialVersions = Map.of();

  /**
   * The generated type digest this state was last reconciled against (everything changed was sent
   * or nothing needed sending); null when unknown. Lets a push skip a type that did not change.
   */
  String diffedDigest;
  boolean everSent;
  String lastSentNonce = "";
  String sentVersion = "";
  /** Nonce of the response awaiting ACK/NACK; null when none is outstanding. */
  String pendingNonce;
  /**
   * A change is owed: it arrived while a response was outstanding (sent when the proxy answers),
   * or while the stream waited for the response budget or its transport (sent when it resumes).
   */
  boolean dirty;
  /**
   * The owed push answers a subscription (a wildcard type is answered even when empty): kept while
   * the push waits for budget or the transport, so the wait does not lose that.
   */
  boolean initialOwed;
  /**
   * The proxy subscribed to a new namespace and must get a response for it even if there is
   * nothing to send, or it cannot tell that the subscription is served (a VHDS route
   * configuration would never finish warming).
   */
  boolean answerOwed;
  String ackedVersion = "";
  String nackError = "";

  TypeState(String typeUrl) {
    this.typeUrl = typeUrl;
    this.namespaced = XdsType.fromTypeUrl(typeUrl).map(XdsType::namespaced).orElse(false);
  }

  ProxyStatus.TypeStatus status() {
    ProxyStatus.SyncState s;
    if (!everSent) {
      s = ProxyStatus.SyncState.NOT_SENT;
    } else if (pendingNonce != null) {
      s = ProxyStatus.SyncState.STALE;
    } else if (!nackError.isEmpty()) {
      s = ProxyStatus.SyncState.NACKED;
    } else {
      s = ProxyStatus.SyncState.SYNCED;
    }
    return new ProxyStatus.TypeStatus(s, sentVersion, ackedVersion, nackError, held.size());
  }

  /** The content hash of the proxy's copy of {@code name}, or null when it has none we know of. */
  String heldHash(String name) {
    XdsResources.Resource r = held.get(name);
    return r != null ? r.hash() : initialVersions.get(name);
  }

  /**
   * The proxy now holds exactly {@code resources} (a map nobody will change); {@code generated}:
   * it is the map generation produced, shared with other proxies.
   */
  void nowHolds(Map<String, XdsResources.Resource> resources, boolean generated) {
    held = resources;
    heldGenerated = generated;
    initialVersions = Map.of();
  }

  /** The proxy holds nothing we know of (it re-subscribed from scratch). */
  void forgetHeld() {
    nowHolds(Map.of(), false);
  }

  /**
   * Keeps only client state for resources that are still subscribed. {@code heldIsSubscribed}: the
   * caller already knows every held name is subscribed (the usual ACK), so only the versions a
   * reconnecting proxy reported need checking.
   */
  void forgetUnsubscribed(boolean heldIsSubscribed) {
    if (wildcard) {
      return;
    }
    if (!heldIsSubscribed && !wantsAll(held.keySet())) {
      Map<String, XdsResources.Resource> kept = new HashMap<>();
      held.forEach((n, r) -> {
        if (wants(n)) {
          kept.put(n, r);
        }
      });
      held = java.util.Collections.unmodifiableMap(kept);
      heldGenerated = false;
    }
    if (!initialVersions.isEmpty() && !wantsAll(initialVersions.keySet())) {
      Map<String, String> kept = new HashMap<>(initialVersions);
      kept.keySet().removeIf(n -> !wants(n));
      initialVersions = kept;
    }
  }

  boolean wants(String name) {
    return wildcard || names.contains(namespaced ? Vhds.namespaceOf(name) : name);
  }

  private boolean wantsAll(Set<String> resourceNames) {
    if (wildcard) {
      return true;
    }
    if (!namespaced) {
      return names.containsAll(resourceNames);
    }
    for (String n : resourceNames) {
      if (!names.contains(Vhds.namespaceOf(n))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether subscription {@code names} asks for every resource of {@code resources}: by name, or,
   * for a namespaced type, by the namespace each name falls in.
   */
  static boolean covers(boolean namespaced, Set<String> names, Map<String, XdsResources.Resource> resources) {
    if (!namespaced) {
      return names.containsAll(resources.keySet());
    }
    for (String n : resources.keySet()) {
      if (!names.contains(Vhds.namespaceOf(n))) {
        return false;
      }
    }
    return true;
  }
}
