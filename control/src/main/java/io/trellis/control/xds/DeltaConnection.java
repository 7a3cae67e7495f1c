package io.trellis.control.xds;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A delta (incremental) ADS stream ({@code DeltaAggregatedResources}).
 *
 * <p>The proxy says what it subscribes to and unsubscribes from, and on (re)connect which versions
 * it already has ({@code initial_resource_versions}); the server sends only resources whose version
 * differs and names the ones removed. A resource's version is its content hash. The first request
 * of CDS or LDS with no names is a wildcard subscription, as is {@code *}; a wildcard type gets a
 * response on subscription even when empty, so the proxy's initial fetch completes.
 */
final class DeltaConnection extends ProxyConnection {
  private final StreamObserver<DeltaDiscoveryResponse> out;

  DeltaConnection(long streamId, XdsServer server, StreamObserver<DeltaDiscoveryResponse> out) {
    super(streamId, server);
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
      st.clientHashes.putAll(req.getInitialResourceVersionsMap());
    }
    for (String n : req.getResourceNamesSubscribeList()) {
      if (n.equals("*")) {
        widened |= !st.wildcard;
        st.wildcard = true;
      } else if (st.names.add(n)) {
        widened = true;
      }
    }
    for (String n : req.getResourceNamesUnsubscribeList()) {
      if (n.equals("*")) {
        st.wildcard = false;
      } else {
        st.names.remove(n);
      }
    }
    st.forgetUnsubscribed();
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
    if (!initial && !st.dirty && unchangedSinceLastDiff(st)) {
      return;
    }
    Map<String, XdsResources.Resource> desired = desired(st);
    List<XdsResources.Resource> toSend = new ArrayList<>();
    for (XdsResources.Resource r : desired.values()) {
      if (!r.hash().equals(st.clientHashes.get(r.name()))) {
        toSend.add(r);
      }
    }
    List<String> removed = new ArrayList<>();
    for (String name : st.clientHashes.keySet()) {
      if (!desired.containsKey(name)) {
        removed.add(name);
      }
    }
    boolean mustAnswer = initial && st.wildcard;
    if (toSend.isEmpty() && removed.isEmpty() && !mustAnswer) {
      markDiffed(st);
      return;
    }
    if (st.pendingNonce != null) {
      st.dirty = true;
      noteChange(triggeredAt);
      return;
    }
    String nonce = nextNonce();
    String version = versionOf(st, desired);
    DeltaDiscoveryResponse.Builder resp =
        DeltaDiscoveryResponse.newBuilder()
            .setTypeUrl(st.typeUrl)
            .setSystemVersionInfo(version)
            .setNonce(nonce)
            .addAllRemovedResources(removed);
    for (XdsResources.Resource r : toSend) {
      resp.addResources(
          Resource.newBuilder()
              .setName(r.name())
              .setVersion(r.hash())
              .setResource(Any.newBuilder().setTypeUrl(st.typeUrl).setValue(r.serialized())));
      st.clientHashes.put(r.name(), r.hash());
      st.sentMessages.put(r.name(), r.message());
    }
    for (String name : removed) {
      st.clientHashes.remove(name);
      st.sentMessages.remove(name);
    }
    out.onNext(resp.build());
    markDiffed(st);
    markSent(st, nonce, version, toSend.size(), triggeredAt);
  }

  synchronized void completed() {
    if (!closed) {
      out.onCompleted();
    }
  }
}
