package io.trellis.control.xds;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ServerCalls;
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

  /**
   * What the server serves: the generated binding, except that state-of-the-world requests are parsed into {@link
   * SotwRequest}s, which keep their resource names as bytes until they differ from the last ones.
   */
  ServerServiceDefinition definition() {
    ServerServiceDefinition generated = bindService();
    MethodDescriptor<DiscoveryRequest, DiscoveryResponse> sotw = AggregatedDiscoveryServiceGrpc.getStreamAggregatedResourcesMethod();
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(generated.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> m : generated.getMethods()) {
      if (!m.getMethodDescriptor().getFullMethodName().equals(sotw.getFullMethodName())) {
        b.addMethod(m);
      }
    }
    b.addMethod(
        sotw.toBuilder(new SotwRequest.Marshaller(), sotw.getResponseMarshaller()).build(),
        ServerCalls.asyncBidiStreamingCall(this::sotwStream));
    return b.build();
  }

  /** Not served ({@link #definition} routes the method to {@link #sotwStream}); kept equivalent. */
  @Override
  public StreamObserver<DiscoveryRequest> streamAggregatedResources(StreamObserver<DiscoveryResponse> out) {
    StreamObserver<SotwRequest> s = sotwStream(out);
    return new StreamObserver<>() {
      @Override
      public void onNext(DiscoveryRequest req) {
        s.onNext(new SotwRequest(req.toBuilder().clearResourceNames().build(), namesBytes(req)));
      }

      @Override
      public void onError(Throwable t) {
        s.onError(t);
      }

      @Override
      public void onCompleted() {
        s.onCompleted();
      }
    };
  }

  private static com.google.protobuf.ByteString namesBytes(DiscoveryRequest req) {
    return DiscoveryRequest.newBuilder().addAllResourceNames(req.getResourceNamesList()).build().toByteString();
  }

  private StreamObserver<SotwRequest> sotwStream(StreamObserver<DiscoveryResponse> out) {
    SotwConnection c = new SotwConnection(streamIds.incrementAndGet(), server, out);
    return new StreamObserver<>() {
      @Override
      public void onNext(SotwRequest req) {
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
