package io.trellis.control.xds;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gRPC face of the server: one {@link ProxyConnection} per ADS stream. */
final class AdsService extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
  private static final Logger log = LoggerFactory.getLogger(AdsService.class);

  private final XdsServer server;
  private final AtomicLong streamIds = new AtomicLong();

  AdsService(XdsServer server) {
    this.server = server;
  }

  @Override
  public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> out) {
    SotwConnection c = new SotwConnection(streamIds.incrementAndGet(), server, out);
    return new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryRequest req) {
        c.onRequest(req);
      }

      @Override
      public void onError(Throwable t) {
        log.debug("ADS stream {} failed: {}", c.streamId, t.toString());
        c.close();
      }

      @Override
      public void onCompleted() {
        c.completed();
        c.close();
      }
    };
  }

  @Override
  public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
      StreamObserver<DeltaDiscoveryResponse> out) {
    DeltaConnection c = new DeltaConnection(streamIds.incrementAndGet(), server, out);
    return new StreamObserver<>() {
      @Override
      public void onNext(DeltaDiscoveryRequest req) {
        c.onRequest(req);
      }

      @Override
      public void onError(Throwable t) {
        log.debug("delta ADS stream {} failed: {}", c.streamId, t.toString());
        c.close();
      }

      @Override
      public void onCompleted() {
        c.completed();
        c.close();
      }
    };
  }
}
