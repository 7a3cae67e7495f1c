package io.trellis.bench.controlplane;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;

/** One simulated sidecar, whichever xDS variant it speaks. */
interface FleetMember {

  /** Opens the ADS stream and sends the first subscriptions. */
  void start(AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceStub stub);

  /** Half-closes the stream. */
  void stop();

  int index();

  /** Why the stream ended, or null while it is open. */
  String failure();

  /**
   * Milliseconds from opening the stream to holding a non-empty set of clusters and listeners and
   * every endpoint and route resource they name; -1 if not yet.
   */
  double initialConfigMs();
}
