package io.trellis.control.xds;

import com.google.protobuf.Message;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One xDS type on one stream: what the proxy subscribed to, what it has, and the one response that
 * may be outstanding. Guarded by its {@link ProxyConnection}'s lock.
 */
final class TypeState {
  final String typeUrl;
  /** Whether the proxy has requested this type at all on this stream. */
  boolean subscribed;
  boolean wildcard;
  final Set<String> names = new TreeSet<>();
  /** Resource name to the content hash the proxy was last sent (or told us it has). */
  final Map<String, String> clientHashes = new HashMap<>();
  /** Resource name to the message last sent, for {@code proxy-config}. */
  final Map<String, Message> sentMessages = new TreeMap<>();

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
  /** A change arrived while a response was outstanding; send it when the proxy answers. */
  boolean dirty;
  String ackedVersion = "";
  String nackError = "";

  TypeState(String typeUrl) {
    this.typeUrl = typeUrl;
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
    return new ProxyStatus.TypeStatus(s, sentVersion, ackedVersion, nackError, sentMessages.size());
  }

  /** Keeps only client state for resources that are still subscribed. */
  void forgetUnsubscribed() {
    if (!wildcard) {
      clientHashes.keySet().retainAll(names);
      sentMessages.keySet().retainAll(names);
    }
  }

  boolean wants(String name) {
    return wildcard || names.contains(name);
  }
}
