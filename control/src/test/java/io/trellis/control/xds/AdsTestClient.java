package io.trellis.control.xds;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A raw ADS client on Envoy's generated stubs: sends exactly the requests a test writes and queues
 * every response, so a test can assert the server's protocol behaviour message by message.
 */
public final class AdsTestClient implements AutoCloseable {
  private final ManagedChannel channel;
  private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
  private final StreamObserver<DiscoveryRequest> sotw;
  private final StreamObserver<DeltaDiscoveryRequest> delta;
  final Node node;

  private AdsTestClient(int port, Node node, boolean isDelta) {
    this.node = node;
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    var stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
    if (isDelta) {
      delta = stub.deltaAggregatedResources(observer());
      sotw = null;
    } else {
      sotw = stub.streamAggregatedResources(observer());
      delta = null;
    }
  }

  public static AdsTestClient sotw(int port, Node node) {
    return new AdsTestClient(port, node, false);
  }

  static AdsTestClient delta(int port, Node node) {
    return new AdsTestClient(port, node, true);
  }

  private <T> StreamObserver<T> observer() {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        received.add(value);
      }

      @Override
      public void onError(Throwable t) {
        received.add(t);
      }

      @Override
      public void onCompleted() {}
    };
  }

  private boolean first = true;

  /** A state-of-the-world request; the node goes on the stream's first request only. */
  void request(XdsType type, List<String> names, String version, String nonce) {
    DiscoveryRequest.Builder b =
        DiscoveryRequest.newBuilder()
            .setTypeUrl(type.typeUrl())
            .addAllResourceNames(names)
            .setVersionInfo(version)
            .setResponseNonce(nonce);
    if (first) {
      b.setNode(node);
      first = false;
    }
    sotw.onNext(b.build());
  }

  public void subscribe(XdsType type, String... names) {
    request(type, List.of(names), "", "");
  }

  public void ack(DiscoveryResponse r, String... names) {
    request(XdsType.fromTypeUrl(r.getTypeUrl()).orElseThrow(), List.of(names), r.getVersionInfo(), r.getNonce());
  }

  void nack(DiscoveryResponse r, String error, String... names) {
    DiscoveryRequest.Builder b =
        DiscoveryRequest.newBuilder()
            .setTypeUrl(r.getTypeUrl())
            .addAllResourceNames(List.of(names))
            .setResponseNonce(r.getNonce())
            .setErrorDetail(Status.newBuilder().setCode(3).setMessage(error));
    sotw.onNext(b.build());
  }

  /** Sends a request exactly as built (no node, no defaults). */
  void rawRequest(DiscoveryRequest r) {
    sotw.onNext(r);
  }

  /** The next error, ignoring responses queued before it. */
  Throwable nextErrorSkippingResponses() {
    while (true) {
      Object o;
      try {
        o = received.poll(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      assertThat(o).as("an error from the server within 5 s").isNotNull();
      if (o instanceof Throwable t) {
        return t;
      }
    }
  }

  void deltaRequest(DeltaDiscoveryRequest.Builder b) {
    if (first) {
      b.setNode(node);
      first = false;
    }
    delta.onNext(b.build());
  }

  /** The next state-of-the-world response, within 5 s. */
  public DiscoveryResponse next() {
    return take(DiscoveryResponse.class);
  }

  public DiscoveryResponse next(XdsType expected) {
    DiscoveryResponse r = next();
    assertThat(r.getTypeUrl()).as("type of the next response").isEqualTo(expected.typeUrl());
    return r;
  }

  DeltaDiscoveryResponse nextDelta() {
    return take(DeltaDiscoveryResponse.class);
  }

  Throwable nextError() {
    return take(Throwable.class);
  }

  private <T> T take(Class<T> type) {
    Object o;
    try {
      o = received.poll(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    assertThat(o).as("a message from the server within 5 s").isNotNull();
    assertThat(o).isInstanceOf(type);
    return type.cast(o);
  }

  /** Responses received but not yet taken. */
  int pending() {
    return received.size();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
