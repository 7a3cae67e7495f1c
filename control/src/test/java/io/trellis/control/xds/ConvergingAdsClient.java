package io.trellis.control.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An ADS client that behaves like a proxy on its own (unlike {@link AdsTestClient}): it subscribes
 * to CDS, EDS, LDS and RDS at once, keeps what it is sent (whole sets for CDS and LDS in state of
 * the world, changes otherwise) and ACKs every response — or, as told, never ACKs, or never reads
 * from its stream at all (with a 1 KiB flow-control window, so the server's sends back up).
 */
final class ConvergingAdsClient implements AutoCloseable {
  enum Behaviour {
    ACK,
    NO_ACK,
    NO_READ
  }

  private final ManagedChannel channel;
  private final Behaviour behaviour;
  private final Map<XdsType, List<String>> subscriptions;
  private final Object lock = new Object();
  private final Map<String, Map<String, Any>> held = new HashMap<>();
  private final List<String> arrivals = new ArrayList<>();
  private StreamObserver<DiscoveryRequest> sotw;
  private StreamObserver<DeltaDiscoveryRequest> delta;

  private ConvergingAdsClient(int port, Behaviour behaviour, Map<XdsType, List<String>> subscriptions) {
    NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext();
    if (behaviour == Behaviour.NO_READ) {
      b.flowControlWindow(1024);
    }
    this.channel = b.build();
    this.behaviour = behaviour;
    this.subscriptions = subscriptions;
  }

  /** Subscribes to each type in {@code subscriptions}' order (an empty list: wildcard). */
  static ConvergingAdsClient sotw(int port, Node node, Behaviour behaviour, Map<XdsType, List<String>> subscriptions) {
    ConvergingAdsClient c = new ConvergingAdsClient(port, behaviour, subscriptions);
    synchronized (c.lock) {
      c.sotw = AggregatedDiscoveryServiceGrpc.newStub(c.channel).streamAggregatedResources(c.new Responses<DiscoveryResponse>() {
        @Override
        void handle(DiscoveryResponse r) {
          c.onSotw(r);
        }
      });
      boolean first = true;
      for (var e : subscriptions.entrySet()) {
        DiscoveryRequest.Builder req =
            DiscoveryRequest.newBuilder().setTypeUrl(e.getKey().typeUrl()).addAllResourceNames(e.getValue());
        if (first) {
          req.setNode(node);
          first = false;
        }
        c.sotw.onNext(req.build());
      }
    }
    return c;
  }

  static ConvergingAdsClient delta(int port, Node node, Behaviour behaviour, Map<XdsType, List<String>> subscriptions) {
    ConvergingAdsClient c = new ConvergingAdsClient(port, behaviour, subscriptions);
    synchronized (c.lock) {
      c.delta = AggregatedDiscoveryServiceGrpc.newStub(c.channel).deltaAggregatedResources(c.new Responses<DeltaDiscoveryResponse>() {
        @Override
        void handle(DeltaDiscoveryResponse r) {
          c.onDelta(r);
        }
      });
      boolean first = true;
      for (var e : subscriptions.entrySet()) {
        DeltaDiscoveryRequest.Builder req =
            DeltaDiscoveryRequest.newBuilder().setTypeUrl(e.getKey().typeUrl()).addAllResourceNamesSubscribe(e.getValue());
        if (first) {
          req.setNode(node);
          first = false;
        }
        c.delta.onNext(req.build());
      }
    }
    return c;
  }

  private abstract class Responses<T> implements ClientResponseObserver<Object, T> {
    abstract void handle(T response);

    @Override
    public void beforeStart(ClientCallStreamObserver<Object> requests) {
      if (behaviour == Behaviour.NO_READ) {
        requests.disableAutoRequestWithInitial(0);
      }
    }

    @Override
    public void onNext(T value) {
      handle(value);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }

  private void onSotw(DiscoveryResponse r) {
    synchronized (lock) {
      arrivals.add(r.getTypeUrl());
      boolean fullState = XdsType.fromTypeUrl(r.getTypeUrl()).orElseThrow().wildcard();
      Map<String, Any> mine = held.computeIfAbsent(r.getTypeUrl(), t -> new HashMap<>());
      if (fullState) {
        mine.clear();
      }
      for (Any a : r.getResourcesList()) {
        mine.put(nameOf(a), a);
      }
      if (behaviour == Behaviour.ACK) {
        XdsType type = XdsType.fromTypeUrl(r.getTypeUrl()).orElseThrow();
        sotw.onNext(
            DiscoveryRequest.newBuilder()
                .setTypeUrl(r.getTypeUrl())
                .addAllResourceNames(subscriptions.get(type))
                .setVersionInfo(r.getVersionInfo())
                .setResponseNonce(r.getNonce())
                .build());
      }
    }
  }

  private void onDelta(DeltaDiscoveryResponse r) {
    synchronized (lock) {
      arrivals.add(r.getTypeUrl());
      Map<String, Any> mine = held.computeIfAbsent(r.getTypeUrl(), t -> new HashMap<>());
      for (Resource res : r.getResourcesList()) {
        mine.put(res.getName(), res.getResource());
      }
      r.getRemovedResourcesList().forEach(mine::remove);
      if (behaviour == Behaviour.ACK) {
        delta.onNext(DeltaDiscoveryRequest.newBuilder().setTypeUrl(r.getTypeUrl()).setResponseNonce(r.getNonce()).build());
      }
    }
  }

  private static String nameOf(Any a) {
    try {
      return switch (XdsType.fromTypeUrl(a.getTypeUrl()).orElseThrow()) {
        case CLUSTER -> a.unpack(Cluster.class).getName();
        case ENDPOINT -> a.unpack(ClusterLoadAssignment.class).getClusterName();
        case LISTENER -> a.unpack(Listener.class).getName();
        case ROUTE -> a.unpack(RouteConfiguration.class).getName();
        default -> throw new AssertionError("unexpected type " + a.getTypeUrl());
      };
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  /** What the client holds: type URL to resource name to resource, for the types it got. */
  Map<String, Map<String, Any>> held() {
    synchronized (lock) {
      Map<String, Map<String, Any>> out = new LinkedHashMap<>();
      held.forEach((t, m) -> out.put(t, Map.copyOf(m)));
      return out;
    }
  }

  /** Type URLs of the responses received, in order. */
  List<String> arrivals() {
    synchronized (lock) {
      return List.copyOf(arrivals);
    }
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
