package io.trellis.bench.controlplane;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One sidecar on incremental ADS (DeltaAggregatedResources), as Envoy speaks it: wildcard CDS and
 * LDS; EDS and RDS subscribed and unsubscribed by name as clusters and listeners come and go; VHDS
 * subscribed by route configuration name for every route configuration that names {@code vhds}
 * (Envoy's namespace subscription: the name covers every virtual host {@code NAME/…}); each
 * response ACKed by its nonce. Because a delta response carries only what changed, the proxy keeps
 * what it holds per type and derives its EDS/RDS/VHDS subscriptions from all clusters, listeners
 * and route configurations it holds, not from the last response.
 */
final class DeltaSimulatedProxy implements StreamObserver<DeltaDiscoveryResponse>, FleetMember {

  private final int index;
  private final Node node;
  private final ProxyFleet fleet;
  /** Per type: resource name → what it makes us subscribe to (CDS: EDS name; LDS: RDS names; others: empty). */
  private final Map<String, Map<String, List<String>>> held = new HashMap<>();
  private final Map<String, Set<String>> subscribed = new HashMap<>();
  private StreamObserver<DeltaDiscoveryRequest> requests;
  private boolean nodeSent;
  private volatile long startNanos;
  private volatile long completeNanos;
  private volatile String failure;

  DeltaSimulatedProxy(int index, Node node, ProxyFleet fleet) {
    this.index = index;
    this.node = node;
    this.fleet = fleet;
    for (String t : XdsTypes.ALL) {
      held.put(t, new HashMap<>());
      subscribed.put(t, Set.of());
    }
  }

  @Override
  public void start(AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub) {
    startNanos = fleet.nanoTime();
    synchronized (this) {
      requests = stub.deltaAggregatedResources(this);
      // an empty first subscription is a wildcard subscription
      send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(XdsTypes.CLUSTER));
      send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(XdsTypes.LISTENER));
    }
  }

  @Override
  public void onNext(DeltaDiscoveryResponse response) {
    long now = fleet.nanoTime();
    String type = response.getTypeUrl();
    fleet.counters().record(type, response.getResourcesCount(), response.getSerializedSize());
    List<Any> values = new ArrayList<>(response.getResourcesCount());
    synchronized (this) {
      Map<String, List<String>> mine = held.get(type);
      if (mine == null) {
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(type).setResponseNonce(response.getNonce()));
        return;
      }
      try {
        // Endpoints and virtual hosts held matter only to the initial-configuration check; once
        // the proxy is complete, tracking them (thousands per proxy) would only grow the
        // benchmark's own heap. Clusters, listeners and route configurations decide what the
        // proxy subscribes to, so they are always tracked.
        boolean track =
            completeNanos == 0 || !(type.equals(XdsTypes.ENDPOINT) || type.equals(XdsTypes.VIRTUAL_HOST));
        for (Resource r : response.getResourcesList()) {
          values.add(r.getResource());
          if (track) {
            mine.put(fleet.names().canonical(r.getName()), follows(type, r.getResource()));
          }
        }
      } catch (InvalidProtocolBufferException e) {
        send(
            DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(type)
                .setResponseNonce(response.getNonce())
                .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage("cannot parse: " + e.getMessage())));
        fleet.nack();
        return;
      }
      response.getRemovedResourcesList().forEach(mine::remove);
      // like Envoy: subscribe to what the new clusters/listeners need before ACKing them
      if (type.equals(XdsTypes.CLUSTER)) {
        resubscribe(XdsTypes.ENDPOINT, mine);
      } else if (type.equals(XdsTypes.LISTENER)) {
        resubscribe(XdsTypes.ROUTE, mine);
      } else if (type.equals(XdsTypes.ROUTE)) {
        resubscribe(XdsTypes.VIRTUAL_HOST, mine);
      }
      send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(type).setResponseNonce(response.getNonce()));
    }
    fleet.observed(index, type, values, now);
    if (completeNanos == 0 && complete()) {
      completeNanos = now;
      synchronized (this) {
        held.get(XdsTypes.ENDPOINT).clear();
        held.get(XdsTypes.VIRTUAL_HOST).clear();
      }
      fleet.initialConfigComplete();
    }
  }

  private List<String> follows(String type, Any resource) throws InvalidProtocolBufferException {
    return switch (type) {
      case XdsTypes.CLUSTER -> {
        String eds = fleet.names().edsName(resource.getValue());
        yield eds.isEmpty() ? List.of() : fleet.names().singleton(eds);
      }
      case XdsTypes.LISTENER -> fleet.names().rdsNames(resource.getValue());
      case XdsTypes.ROUTE -> ResourceNames.vhdsNames(resource.getValue());
      default -> List.of();
    };
  }

  private void resubscribe(String type, Map<String, List<String>> from) {
    Set<String> want = new TreeSet<>();
    from.values().forEach(want::addAll);
    Set<String> have = subscribed.get(type);
    if (want.equals(have)) {
      return;
    }
    Set<String> add = new TreeSet<>(want);
    add.removeAll(have);
    Set<String> drop = new TreeSet<>(have);
    drop.removeAll(want);
    subscribed.put(type, fleet.names().shared(want));
    if (type.equals(XdsTypes.VIRTUAL_HOST)) {
      // a VHDS name is a namespace: dropping it drops every virtual host held under it
      held.get(type).keySet().removeIf(vhost -> drop.contains(routeConfigOf(vhost)));
    } else {
      held.get(type).keySet().removeAll(drop);
    }
    send(
        DeltaDiscoveryRequest.newBuilder()
            .setTypeUrl(type)
            .addAllResourceNamesSubscribe(add)
            .addAllResourceNamesUnsubscribe(drop));
  }

  private synchronized boolean complete() {
    // an empty CDS or LDS is not a configuration: a sidecar in a mesh with services has clusters and listeners
    return !held.get(XdsTypes.CLUSTER).isEmpty()
        && !held.get(XdsTypes.LISTENER).isEmpty()
        && held.get(XdsTypes.ENDPOINT).keySet().containsAll(subscribed.get(XdsTypes.ENDPOINT))
        && held.get(XdsTypes.ROUTE).keySet().containsAll(subscribed.get(XdsTypes.ROUTE))
        && virtualHostsArrived();
  }

  /**
   * Whether every VHDS subscription (a route configuration's name) has virtual hosts held under
   * it. A route configuration that asks for VHDS and has none would never complete, but every
   * sidecar route configuration of the benchmark's mesh has its services' virtual hosts.
   */
  private boolean virtualHostsArrived() {
    Set<String> want = subscribed.get(XdsTypes.VIRTUAL_HOST);
    if (want.isEmpty()) {
      return true;
    }
    Set<String> have = new java.util.HashSet<>();
    for (String vhost : held.get(XdsTypes.VIRTUAL_HOST).keySet()) {
      have.add(routeConfigOf(vhost));
    }
    return have.containsAll(want);
  }

  /** The route configuration a VHDS resource {@code ROUTE_CONFIG/VHOST} belongs to ("" for none). */
  private static String routeConfigOf(String vhostResourceName) {
    return vhostResourceName.substring(0, Math.max(0, vhostResourceName.lastIndexOf('/')));
  }

  private void send(DeltaDiscoveryRequest.Builder b) {
    if (!nodeSent) {
      b.setNode(node);
      nodeSent = true;
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
