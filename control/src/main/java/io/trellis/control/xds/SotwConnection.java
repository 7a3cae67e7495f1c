package io.trellis.control.xds;

import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;

/**
 * A state-of-the-world ADS stream ({@code StreamAggregatedResources}).
 *
 * <p>Protocol rules this follows: a request with an empty nonce subscribes (or re-subscribes) to a
 * type and is answered with what the proxy asked for; a request carrying the nonce of the
 * outstanding response is its ACK (no {@code error_detail}) or NACK; a request carrying the nonce of
 * the latest, already answered response only changes the subscription; any other nonce is stale (a
 * newer response is on its way and the proxy will answer that one) and is ignored. CDS and LDS
 * responses carry the whole set, because a proxy treats a missing cluster or listener as removed;
 * EDS and RDS responses carry only the resources that changed, because a proxy does not.
 */
final class SotwConnection extends ProxyConnection {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SotwConnection.class);
  private final StreamObserver<DiscoveryResponse> out;

  SotwConnection(long streamId, XdsServer server, StreamObserver<DiscoveryResponse> out) {
    super(streamId, server, out);
    this.out = out;
  }

  @Override
  boolean delta() {
    return false;
  }

  @Override
  void fail(String reason) {
    if (closed) {
      return;
    }
    close(); // forget the proxy first: the stream is over whatever the client does next
    out.onError(Status.INVALID_ARGUMENT.withDescription(reason).asRuntimeException());
  }

  synchronized void onRequest(SotwRequest sotw) {
    DiscoveryRequest req = sotw.request(); // without resource_names: those stay bytes in sotw.names()
    if (closed) {
      return;
    }
    if (node == null) {
      if (!req.hasNode()) {
        fail("the first request on an ADS stream must carry the node");
        return;
      }
      if (!initNode(req.getNode())) {
        return;
      }
    }
    if (req.getTypeUrl().isEmpty()) {
      fail("ADS request without type_url");
      return;
    }
    TypeState st = typeState(req.getTypeUrl());
    if (log.isDebugEnabled()) {
      log.debug("{} asks {} {} (nonce {}, version {}{})", node.id(), req.getTypeUrl(), sotw.resourceNames(),
          req.getResponseNonce(), req.getVersionInfo(), req.hasErrorDetail() ? ", NACK " + req.getErrorDetail().getMessage() : "");
    }
    boolean wildcard;
    Set<String> requested;
    if (st.subscribed && sotw.names().equals(st.namesOnWire)) {
      // Envoy repeats its whole subscription in every request, ACKs included: the same bytes as
      // last time mean the same subscription, so nothing is decoded.
      wildcard = st.wildcard;
      requested = st.names;
    } else {
      Set<String> names;
      try {
        names = new HashSet<>(sotw.resourceNames());
      } catch (IllegalArgumentException e) {
        fail(e.getMessage());
        return;
      }
      boolean wildcardType = XdsType.fromTypeUrl(req.getTypeUrl()).map(XdsType::wildcard).orElse(false);
      wildcard = names.remove("*") || (wildcardType && names.isEmpty());
      requested = names.equals(st.names) ? st.names : server.internNames(names);
      st.namesOnWire = sotw.names();
    }
    String nonce = req.getResponseNonce();

    if (nonce.isEmpty()) {
      // A new subscription (or the proxy lost track): it has nothing we know of.
      subscribe(st, wildcard, requested);
      st.diffedDigest = null;
      st.forgetHeld();
      releaseType(st.typeUrl); // an outstanding response of this type will not be answered now
      st.pendingNonce = null;
      push(st, true, null);
      return;
    }
    if (!nonce.equals(st.lastSentNonce)) {
      return; // stale
    }
    if (nonce.equals(st.pendingNonce)) {
      answered(st, req.hasErrorDetail() ? req.getErrorDetail().getMessage() : "");
    }
    boolean more = subscribe(st, wildcard, requested);
    if (more || st.dirty) {
      push(st, false, null);
    }
    checkConverged();
  }

  /**
   * Updates the subscription; true when it now covers resources it did not before. {@code
   * requested} is immutable and interned, so the usual ACK (same names again) is an identity check.
   */
  private boolean subscribe(TypeState st, boolean wildcard, Set<String> requested) {
    boolean widened = (wildcard && !st.wildcard) || !st.subscribed;
    if (!wildcard && requested != st.names && !st.names.containsAll(requested)) {
      widened = true;
    }
    if (!st.subscribed || st.wildcard != wildcard || !st.names.equals(requested)) {
      st.diffedDigest = null; // what the proxy wants changed: reconcile again
    }
    st.subscribed = true;
    st.wildcard = wildcard;
    st.names = requested;
    forgetUnsubscribed(st);
    return widened;
  }

  @Override
  void push(TypeState st, boolean initial, Instant triggeredAt) {
    initial |= st.initialOwed;
    if (!initial && !st.dirty && unchangedSinceLastDiff(st)) {
      return;
    }
    Map<String, XdsResources.Resource> desired = desired(st);
    boolean fullState = XdsType.fromTypeUrl(st.typeUrl).map(XdsType::wildcard).orElse(false);
    ResourceDiff diff = diff(st, desired);
    List<XdsResources.Resource> toSend;
    if (fullState) {
      if (diff.isEmpty() && !initial) {
        holds(st, desired);
        markDiffed(st);
        return;
      }
      toSend = List.copyOf(desired.values());
    } else {
      toSend = diff.changed();
      if (toSend.isEmpty()) {
        // Forget what is no longer generated, so it is sent again should it come back.
        holds(st, desired);
        markDiffed(st);
        return;
      }
    }
    if (st.pendingNonce != null) {
      st.dirty = true;
      noteChange(triggeredAt);
      return;
    }
    if (!maySend(st, initial, triggeredAt)) {
      return;
    }
    String nonce = peekNonce();
    String version = versionOf(st, desired);
    DiscoveryResponse.Builder resp =
        DiscoveryResponse.newBuilder().setTypeUrl(st.typeUrl).setVersionInfo(version).setNonce(nonce);
    for (XdsResources.Resource r : toSend) {
      resp.addResources(r.any());
    }
    DiscoveryResponse response = resp.build();
    // What is sent plus what the proxy had unchanged is exactly what it wants; what is no longer
    // generated is forgotten, so it is sent again should it come back.
    if (!sendWithinBudget(st, desired, nonce, response.getSerializedSize(), initial, triggeredAt, () -> out.onNext(response))) {
      return;
    }
    if (log.isDebugEnabled()) {
      log.debug("{} sent {} {} (nonce {}, version {})", node.id(), st.typeUrl, toSend.stream().map(XdsResources.Resource::name).toList(), nonce, version);
    }
    markSent(st, nonce, version, toSend.size(), triggeredAt);
  }

  synchronized void completed() {
    if (!closed) {
      out.onCompleted();
    }
  }
}
