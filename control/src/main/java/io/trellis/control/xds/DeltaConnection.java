package io.trellis.control.xds;

import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A delta (incremental) ADS stream ({@code DeltaAggregatedResources}).
 *
 * <p>The proxy says what it subscribes to and unsubscribes from, and on (re)connect which versions
 * it already has ({@code initial_resource_versions}); the server sends only resources whose version
 * differs and names the ones removed. A resource's version is its content hash. The first request
 * of CDS or LDS with no names is a wildcard subscription, as is {@code *}; a wildcard type gets a
 * response on subscription even when empty, so the proxy's initial fetch completes.
 *
 * <p>VHDS ({@link XdsType#VIRTUAL_HOST}) subscribes by namespace: a subscribed route configuration
 * name covers every virtual host named {@code NAME/…} ({@link Vhds}), and a request that adds a
 * name is always answered, even with nothing in it, so the proxy knows the name is served.
 */
final class DeltaConnection extends ProxyConnection {
  private final StreamObserver<DeltaDiscoveryResponse> out;

  DeltaConnection(long streamId, XdsServer server, StreamObserver<DeltaDiscoveryResponse> out) {
    super(streamId, server, out);
    this.out = out;
  }

  @Override
  boolean delta() {
    return true;
  }

  @Override
  void fail(String reason) {
    if (closed) {
      return;
    }
    close(); // forget the proxy first: the stream is over whatever the client does next
    out.onError(Status.INVALID_ARGUMENT.withDescription(reason).asRuntimeException());
  }

  synchronized void onRequest(DeltaDiscoveryRequest req) {
    if (closed) {
      return;
    }
    if (node == null) {
      if (!req.hasNode()) {
        fail("the first request on a delta ADS stream must carry the node");
        return;
      }
      if (!initNode(req.getNode())) {
        return;
      }
    }
    if (req.getTypeUrl().isEmpty()) {
      fail("delta ADS request without type_url");
      return;
    }
    TypeState st = typeState(req.getTypeUrl());
    String nonce = req.getResponseNonce();
    if (!nonce.isEmpty() && nonce.equals(st.pendingNonce)) {
      answered(st, req.hasErrorDetail() ? req.getErrorDetail().getMessage() : "");
    }

    boolean first = !st.subscribed;
    boolean widened = first;
    if (first) {
      st.subscribed = true;
      boolean wildcardType = XdsType.fromTypeUrl(st.typeUrl).map(XdsType::wildcard).orElse(false);
      st.wildcard = wildcardType && req.getResourceNamesSubscribeCount() == 0;
      st.initialVersions = Map.copyOf(req.getInitialResourceVersionsMap());
    }
    if (req.getResourceNamesSubscribeCount() > 0 || req.getResourceNamesUnsubscribeCount() > 0) {
      Set<String> names = new HashSet<>(st.names);
      for (String n : req.getResourceNamesSubscribeList()) {
        if (n.equals("*")) {
          widened |= !st.wildcard;
          st.wildcard = true;
        } else if (names.add(n)) {
          widened = true;
          st.answerOwed |= st.namespaced;
        }
      }
      for (String n : req.getResourceNamesUnsubscribeList()) {
        if (n.equals("*")) {
          st.wildcard = false;
        } else {
          names.remove(n);
        }
      }
      st.names = server.internNames(names);
    }
    forgetUnsubscribed(st);
    if (first || req.getResourceNamesSubscribeCount() > 0 || req.getResourceNamesUnsubscribeCount() > 0) {
      st.diffedDigest = null; // what the proxy wants changed: reconcile again
    }

    if (widened || st.dirty) {
      push(st, first, null);
    }
    checkConverged();
  }

  @Override
  void push(TypeState st, boolean initial, Instant triggeredAt) {
    initial |= st.initialOwed;
    if (!initial && !st.dirty && unchangedSinceLastDiff(st)) {
      return;
    }
    Map<String, XdsResources.Resource> desired = desired(st);
    ResourceDiff diff = diff(st, desired);
    List<XdsResources.Resource> toSend = diff.changed();
    List<String> removed = diff.removed();
    boolean mustAnswer = (initial && st.wildcard) || st.answerOwed;
    if (toSend.isEmpty() && removed.isEmpty() && !mustAnswer) {
      holds(st, desired);
      markDiffed(st);
      return;
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
    DeltaDiscoveryResponse.Builder resp =
        DeltaDiscoveryResponse.newBuilder()
            .setTypeUrl(st.typeUrl)
            .setSystemVersionInfo(version)
            .setNonce(nonce)
            .addAllRemovedResources(removed);
    for (XdsResources.Resource r : toSend) {
      resp.addResources(r.deltaResource());
    }
    DeltaDiscoveryResponse response = resp.build();
    // Once sent, the proxy has every desired resource (sent, or unchanged) and none of the removed ones.
    if (!sendWithinBudget(st, desired, nonce, response.getSerializedSize(), initial, triggeredAt, () -> out.onNext(response))) {
      return;
    }
    st.answerOwed = false;
    markSent(st, nonce, version, toSend.size(), triggeredAt);
  }

  synchronized void completed() {
    if (!closed) {
      out.onCompleted();
    }
  }
}
