package io.trellis.bench.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One sidecar's ADS stream, following Envoy's state-of-the-world protocol: wildcard CDS and LDS
 * first; the EDS names the clusters reference and the RDS names the listeners reference next;
 * every response ACKed with its version and nonce (or NACKed, with the error, if it cannot be
 * read). Envoy asks for new EDS/RDS names before ACKing the CDS/LDS response that introduced them,
 * and so does this.
 */
final class SimulatedProxy implements StreamObserver<DiscoveryResponse>, FleetMember {

  /** Per type: the last accepted version, the last nonce, the names subscribed to. */
  private static final class TypeState {
    String version = "";
    String nonce = "";
    Set<String> names = Set.of();
    /**
     * The names as the request carries them, encoded once per subscription change: Envoy repeats
     * its whole subscription in every request but keeps the names as bytes, so re-encoding
     * thousands of strings per ACK would make the simulated proxy costlier than the real one.
     */
    List<ByteString> encodedNames = List.of();
    final Set<String> received = new LinkedHashSet<>();
    boolean responded;
    int lastCount;
  }

  private final int index;
  private final Node node;
  private final ProxyFleet fleet;
  private final Map<String, TypeState> types = new HashMap<>();
  private StreamObserver<DiscoveryRequest> requests;
  private boolean nodeSent;
  private volatile long startNanos;
  private volatile long completeNanos;
  private volatile String failure;

  SimulatedProxy(int index, Node node, ProxyFleet fleet) {
    this.index = index;
    this.node = node;
    this.fleet = fleet;
    for (String t : XdsTypes.ALL) {
      types.put(t, new TypeState());
    }
  }

  @Override
  public void start(AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub) {
    startNanos = fleet.nanoTime();
    synchronized (this) {
      requests = stub.streamAggregatedResources(this);
      send(XdsTypes.CLUSTER, types.get(XdsTypes.CLUSTER), null);
      send(XdsTypes.LISTENER, types.get(XdsTypes.LISTENER), null);
    }
  }

  @Override
  public void onNext(DiscoveryResponse response) {
    long now = fleet.nanoTime();
    fleet.counters().record(response.getTypeUrl(), response.getResourcesCount(), response.getSerializedSize());
    synchronized (this) {
      TypeState state = types.get(response.getTypeUrl());
      if (state == null) {
        // a type nobody asked for: ACK it so the server is not left waiting, and ignore it
        sendRaw(response.getTypeUrl(), response.getVersionInfo(), response.getNonce(), List.of(), null);
        return;
      }
      try {
        switch (response.getTypeUrl()) {
          case XdsTypes.CLUSTER -> subscribeNext(XdsTypes.ENDPOINT, edsNames(response));
          case XdsTypes.LISTENER -> subscribeNext(XdsTypes.ROUTE, rdsNames(response));
          default -> {
            // Only the initial-configuration check reads what was received; once the proxy is
            // complete, tracking it would only grow the benchmark's own heap.
            if (completeNanos == 0) {
              for (Any r : response.getResourcesList()) {
                state.received.add(fleet.names().canonical(ResourceNames.firstStringField(r.getValue())));
              }
            }
          }
        }
      } catch (InvalidProtocolBufferException e) {
        state.nonce = response.getNonce();
        send(response.getTypeUrl(), state, "cannot parse " + XdsTypes.shortName(response.getTypeUrl()) + ": " + e.getMessage());
        fleet.nack();
        return;
      }
      state.version = response.getVersionInfo();
      state.nonce = response.getNonce();
      state.responded = true;
      state.lastCount = response.getResourcesCount();
      send(response.getTypeUrl(), state, null);
    }
    fleet.observed(index, response.getTypeUrl(), response.getResourcesList(), now);
    if (completeNanos == 0 && complete()) {
      completeNanos = now;
      synchronized (this) {
        types.values().forEach(t -> t.received.clear());
      }
      fleet.initialConfigComplete();
    }
  }

  private Set<String> edsNames(DiscoveryResponse cds) throws InvalidProtocolBufferException {
    Set<String> names = new TreeSet<>();
    for (Any r : cds.getResourcesList()) {
      String n = fleet.names().edsName(r.getValue());
      if (!n.isEmpty()) {
        names.add(n);
      }
    }
    return names;
  }

  private Set<String> rdsNames(DiscoveryResponse lds) throws InvalidProtocolBufferException {
    Set<String> names = new TreeSet<>();
    for (Any r : lds.getResourcesList()) {
      names.addAll(fleet.names().rdsNames(r.getValue()));
    }
    return names;
  }

  /** Envoy re-sends the whole subscription when the set of names changes. */
  private void subscribeNext(String typeUrl, Set<String> names) {
    TypeState s = types.get(typeUrl);
    if (!names.equals(s.names)) {
      s.names = fleet.names().shared(names);
      s.encodedNames = fleet.names().encoded(names);
      s.received.retainAll(names);
      if (!names.isEmpty()) {
        send(typeUrl, s, null);
      }
    }
  }

  private synchronized boolean complete() {
    TypeState cds = types.get(XdsTypes.CLUSTER);
    TypeState lds = types.get(XdsTypes.LISTENER);
    TypeState eds = types.get(XdsTypes.ENDPOINT);
    TypeState rds = types.get(XdsTypes.ROUTE);
    // an empty CDS or LDS is not a configuration: a sidecar in a mesh with services has clusters and listeners
    return cds.responded
        && cds.lastCount > 0
        && lds.responded
        && lds.lastCount > 0
        && eds.received.containsAll(eds.names)
        && rds.received.containsAll(rds.names);
  }

  private void send(String typeUrl, TypeState s, String nackDetail) {
    sendRaw(typeUrl, s.version, s.nonce, s.encodedNames, nackDetail);
  }

  private void sendRaw(String typeUrl, String version, String nonce, List<ByteString> names, String nackDetail) {
    DiscoveryRequest.Builder b = DiscoveryRequest.newBuilder();
    if (!nodeSent) {
      // as Istio's sidecars do (set_node_on_first_message_only): the node goes in the first request only
      b.setNode(node);
      nodeSent = true;
    }
    b.setTypeUrl(typeUrl).setVersionInfo(version).setResponseNonce(nonce);
    for (ByteString n : names) {
      b.addResourceNamesBytes(n);
    }
    if (nackDetail != null) {
      b.setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage(nackDetail));
    }
    requests.onNext(b.build());
  }

  @Override
  public void onError(Throwable t) {
    // "CANCELLED: Failed to read message" is gRPC's wrapper around an exception thrown while
    // handling a response: the cause is what says why
    failure = "stream failed: " + t.getMessage() + (t.getCause() == null ? "" : " (cause: " + t.getCause() + ")");
    fleet.streamFailed(this);
  }

  @Override
  public void onCompleted() {
    failure = "server closed the stream";
    fleet.streamFailed(this);
  }

  @Override
  public void stop() {
    synchronized (this) {
      if (requests != null && failure == null) {
        try {
          requests.onCompleted();
        } catch (RuntimeException alreadyClosed) {
          // the channel is going away anyway
        }
      }
    }
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public String failure() {
    return failure;
  }

  @Override
  public double initialConfigMs() {
    long c = completeNanos;
    return c == 0 ? -1 : (c - startNanos) / 1e6;
  }
}
