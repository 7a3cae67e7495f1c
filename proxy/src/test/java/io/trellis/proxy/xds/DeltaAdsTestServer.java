package io.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A small delta ADS server for tests that need VHDS, which java-control-plane's {@code SimpleCache}
 * does not serve. It follows the contract's server rules: LDS and CDS are wildcard, RDS, EDS and SDS
 * are by name, VHDS by namespace (a subscribed name {@code N} covers every {@code N/...}); it sends only
 * resources whose version changed and {@code removed_resources} for those that went away, keeps one
 * response outstanding per type until it is ACKed or NACKed, and answers every request that subscribes
 * a new name even when there is nothing to send. A type can be held back to test warming. Records every
 * request and response. All state is guarded by this object's monitor.
 */
public final class DeltaAdsTestServer implements AutoCloseable {
  /** Push order: CDS, EDS, LDS, RDS, VHDS, then SDS. */
  private static final List<String> ORDER =
      List.of(
          ClusterResource.TYPE_URL,
          ClusterLoadAssignmentResource.INSTANCE.typeUrl(),
          ListenerResource.TYPE_URL,
          RouteConfigurationResource.TYPE_URL,
          VirtualHostResource.TYPE_URL,
          SecretResource.INSTANCE.typeUrl());

  private static final Set<String> WILDCARD = Set.of(ClusterResource.TYPE_URL, ListenerResource.TYPE_URL);

  private final Map<String, Map<String, Any>> resources = new HashMap<>();
  private final Set<String> held = new HashSet<>();
  private final List<TypeStreams> streams = new ArrayList<>();
  private final List<DeltaDiscoveryRequest> requests = new CopyOnWriteArrayList<>();
  private final List<DeltaDiscoveryResponse> responses = new CopyOnWriteArrayList<>();
  private long nonces;
  private Server server;

  public DeltaAdsTestServer start() throws IOException {
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase() {
                  @Override
                  public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(StreamObserver<DeltaDiscoveryResponse> out) {
                    TypeStreams stream = new TypeStreams(out);
                    synchronized (DeltaAdsTestServer.this) {
                      streams.add(stream);
                    }
                    return new StreamObserver<>() {
                      @Override
                      public void onNext(DeltaDiscoveryRequest request) {
                        onRequest(stream, request);
                      }

                      @Override
                      public void onError(Throwable t) {
                        closed(stream);
                      }

                      @Override
                      public void onCompleted() {
                        closed(stream);
                      }
                    };
                  }
                })
            .build()
            .start();
    return this;
  }

  public int port() {
    return server.getPort();
  }

  /** An Envoy bootstrap (YAML) with delta ADS to this server for LDS and CDS. */
  public String deltaBootstrap(String node) {
    return AdsBootstrapYaml.of(node, port(), "DELTA_GRPC");
  }

  /** Sets (adds or replaces) resources of a type, by name, and pushes the change. */
  public synchronized void put(String typeUrl, Map<String, ? extends Message> byName) {
    Map<String, Any> ofType = resources.computeIfAbsent(typeUrl, k -> new LinkedHashMap<>());
    byName.forEach((name, message) -> ofType.put(name, Any.pack(message)));
    pushAll();
  }

  /** Removes resources of a type and pushes the change. */
  public synchronized void remove(String typeUrl, String... names) {
    Map<String, Any> ofType = resources.getOrDefault(typeUrl, Map.of());
    for (String name : names) {
      ofType.remove(name);
    }
    pushAll();
  }

  /** Sends nothing of {@code typeUrl} until {@link #release} (the requests are still recorded). */
  public synchronized void hold(String typeUrl) {
    held.add(typeUrl);
  }

  public synchronized void release(String typeUrl) {
    held.remove(typeUrl);
    pushAll();
  }

  /**
   * Sends {@code message} as {@code name} on every stream at once, whatever the stream subscribed: what
   * a client sees when a response crosses its unsubscribe. Returns the nonces used.
   */
  public synchronized List<String> sendUnsolicited(String typeUrl, String name, Message message) {
    List<String> sent = new ArrayList<>();
    for (TypeStreams stream : streams) {
      String nonce = Long.toString(++nonces);
      DeltaDiscoveryResponse response =
          DeltaDiscoveryResponse.newBuilder()
              .setTypeUrl(typeUrl)
              .setNonce(nonce)
              .setSystemVersionInfo("v" + nonce)
              .addResources(Resource.newBuilder().setName(name).setVersion("unsolicited").setResource(Any.pack(message)))
              .build();
      Subscribed sub = stream.types.get(typeUrl);
      if (sub != null) {
        sub.pendingNonce = nonce;
      }
      responses.add(response);
      stream.out.onNext(response);
      sent.add(nonce);
    }
    return sent;
  }

  public List<DeltaDiscoveryRequest> requests() {
    return requests;
  }

  public List<DeltaDiscoveryResponse> responses() {
    return responses;
  }

  @Override
  public void close() throws InterruptedException {
    if (server != null) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private synchronized void closed(TypeStreams stream) {
    streams.remove(stream);
  }

  private synchronized void onRequest(TypeStreams stream, DeltaDiscoveryRequest request) {
    requests.add(request);
    String typeUrl = request.getTypeUrl();
    boolean first = !stream.types.containsKey(typeUrl);
    Subscribed sub = stream.types.computeIfAbsent(typeUrl, Subscribed::new);
    if (first) {
      sub.sent.putAll(request.getInitialResourceVersionsMap());
    }
    if (!request.getResponseNonce().isEmpty() && request.getResponseNonce().equals(sub.pendingNonce)) {
      sub.pendingNonce = null;
    }
    boolean added = false;
    for (String name : request.getResourceNamesSubscribeList()) {
      added |= sub.names.add(name);
    }
    sub.names.removeAll(request.getResourceNamesUnsubscribeList());
    // What the client stopped subscribing to it dropped on its side: forget having sent it.
    sub.sent.keySet().removeIf(name -> !sub.covers(name));
    if (first || added) {
      sub.answerOwed = true;
    }
    push(stream);
  }

  private void pushAll() {
    streams.forEach(this::push);
  }

  private void push(TypeStreams stream) {
    for (String typeUrl : ORDER) {
      Subscribed sub = stream.types.get(typeUrl);
      if (sub == null || sub.pendingNonce != null || held.contains(typeUrl)) {
        continue;
      }
      Map<String, Any> wanted = new TreeMap<>();
      resources.getOrDefault(typeUrl, Map.of()).forEach((name, any) -> {
        if (sub.covers(name)) {
          wanted.put(name, any);
        }
      });
      DeltaDiscoveryResponse.Builder response = DeltaDiscoveryResponse.newBuilder().setTypeUrl(typeUrl);
      wanted.forEach((name, any) -> {
        String version = Integer.toHexString(any.toByteString().hashCode());
        if (!version.equals(sub.sent.get(name))) {
          response.addResources(Resource.newBuilder().setName(name).setVersion(version).setResource(any));
          sub.sent.put(name, version);
        }
      });
      for (String name : List.copyOf(sub.sent.keySet())) {
        if (!wanted.containsKey(name)) {
          response.addRemovedResources(name);
          sub.sent.remove(name);
        }
      }
      if (response.getResourcesCount() == 0 && response.getRemovedResourcesCount() == 0 && !sub.answerOwed) {
        continue;
      }
      String nonce = Long.toString(++nonces);
      response.setNonce(nonce).setSystemVersionInfo("v" + nonce);
      sub.pendingNonce = nonce;
      sub.answerOwed = false;
      DeltaDiscoveryResponse built = response.build();
      responses.add(built);
      stream.out.onNext(built);
    }
  }

  private static final class TypeStreams {
    final StreamObserver<DeltaDiscoveryResponse> out;
    final Map<String, Subscribed> types = new HashMap<>();

    TypeStreams(StreamObserver<DeltaDiscoveryResponse> out) {
      this.out = out;
    }
  }

  private static final class Subscribed {
    final String typeUrl;
    final Set<String> names = new HashSet<>();
    final Map<String, String> sent = new HashMap<>();
    String pendingNonce;
    boolean answerOwed;

    Subscribed(String typeUrl) {
      this.typeUrl = typeUrl;
    }

    boolean covers(String name) {
      if (WILDCARD.contains(typeUrl) && (names.isEmpty() || names.contains("*"))) {
        return true;
      }
      if (typeUrl.equals(VirtualHostResource.TYPE_URL)) {
        String owner = VirtualHostResource.routeConfigName(name);
        return owner != null && names.contains(owner);
      }
      return names.contains(name);
    }
  }
}
