package io.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.Code;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.ManagedChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Aggregated Discovery Service client, state of the world or delta, following Envoy's rules:
 * the node goes on the first request of each stream; every response is ACKed (the new version and
 * its nonce) or NACKed (the previous version, the nonce and an {@code error_detail} naming every
 * problem) — a response with any invalid resource changes nothing, so the last good configuration
 * stays in force; a broken stream is reopened after an exponential, jittered back-off and resumes
 * with the versions already held.
 *
 * <p>All state lives on one serializing {@code executor} (injected, so tests control time); gRPC
 * callbacks hop onto it, and so do the {@link Listener} callbacks. LDS and CDS are wildcard
 * subscriptions; RDS and EDS subscriptions are set by the listener as listeners and clusters name
 * them ({@link #subscribe}); VHDS (delta only) is subscribed by route configuration name and a name
 * covers every resource under it ({@link XdsResourceType#namespaced()}).
 */
public final class AdsClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AdsClient.class);

  /** Receives accepted and rejected updates, on the client's executor. */
  public interface Listener {

    /**
     * An update to {@code type} passed validation; {@code resources} is every resource of the type now
     * held (a resource missing from it was removed), by name. Returns why it could not be applied
     * (the update is then NACKed and the previous state restored), or an empty list.
     */
    List<String> onUpdate(XdsResourceType<?, ?> type, String version, Map<String, ResourceEntry<?>> resources);

    /** An update was NACKed; the previously accepted resources stay in force. */
    void onRejected(XdsResourceType<?, ?> type, RejectedUpdate rejection);

    /**
     * The stream to the control plane is up (a response arrived on it) or down (it closed; a
     * reconnect is scheduled). Envoy reports this as {@code control_plane.connected_state}.
     */
    default void onConnected(boolean connected) {}
  }

  private static final Duration REPEATED_NACK_DELAY = Duration.ofMillis(500);
  private static final Duration REPEATED_NACK_MAX_DELAY = Duration.ofSeconds(30);

  private final ManagedChannel channel;
  private final Node node;
  private final boolean delta;
  private final ScheduledExecutorService executor;
  private final Clock clock;
  private final Backoff backoff;
  private final Listener listener;
  private final Map<String, Subscription> byTypeUrl = new LinkedHashMap<>();

  // Confined to the executor.
  private Stream stream;
  private ScheduledFuture<?> reconnect;
  private boolean closed;
  private volatile long streamsOpened;

  /**
   * @param types the types to handle, in the order their first requests go out (Envoy's: CDS, EDS,
   *     LDS, RDS, so clusters are known before listeners name them)
   * @param wildcardTypes the type URLs subscribed as wildcards from the start (LDS, CDS)
   * @param executor single-threaded: it serializes every state change
   */
  public AdsClient(
      ManagedChannel channel,
      Node node,
      boolean delta,
      List<XdsResourceType<?, ?>> types,
      Set<String> wildcardTypes,
      ScheduledExecutorService executor,
      Clock clock,
      Backoff backoff,
      Listener listener) {
    this.channel = channel;
    this.node = node;
    this.delta = delta;
    this.executor = executor;
    this.clock = clock;
    this.backoff = backoff;
    this.listener = listener;
    for (XdsResourceType<?, ?> type : types) {
      byTypeUrl.put(type.typeUrl(), new Subscription(type, wildcardTypes.contains(type.typeUrl())));
    }
  }

  /** Opens the stream. */
  public void start() {
    executor.execute(this::openStream);
  }

  /**
   * Sets the names subscribed for a non-wildcard type (RDS route names, EDS cluster names). Resources
   * no longer named are dropped; a change is sent to the server at once.
   */
  public void subscribe(XdsResourceType<?, ?> type, Set<String> names) {
    Set<String> copy = Set.copyOf(names);
    executor.execute(() -> updateSubscription(type.typeUrl(), copy));
  }

  /** The accepted resources and the last rejection of {@code type}; safe from any thread. */
  public TypeState state(XdsResourceType<?, ?> type) {
    return byTypeUrl.get(type.typeUrl()).published;
  }

  /** How many streams have been opened (1 plus the reconnects); for tests and logs. */
  public long streamsOpened() {
    return streamsOpened;
  }

  @Override
  public void close() {
    executor.execute(
        () -> {
          closed = true;
          if (reconnect != null) {
            reconnect.cancel(false);
          }
          if (stream != null) {
            stream.cancel();
            stream = null;
          }
        });
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---- stream lifecycle (executor only) ----

  private void openStream() {
    if (closed) {
      return;
    }
    streamsOpened++;
    stream = new Stream();
    for (Subscription sub : byTypeUrl.values()) {
      sub.nonce = "";
      sub.sentNames = null;
      if (sub.wildcard || !sub.names.isEmpty()) {
        sendRequest(sub, null);
      }
    }
  }

  private void onStreamClosed(Stream closedStream, Throwable error) {
    if (closedStream != stream || closed) {
      return;
    }
    stream = null;
    if (closedStream.connected) {
      listener.onConnected(false);
    }
    Duration delay = backoff.nextDelay();
    LOG.warn(
        "ADS stream to {} closed ({}); reconnecting in {} ms",
        channel.authority(),
        error == null ? "completed by server" : io.grpc.Status.fromThrowable(error),
        delay.toMillis());
    reconnect = executor.schedule(this::openStream, delay.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void updateSubscription(String typeUrl, Set<String> names) {
    Subscription sub = byTypeUrl.get(typeUrl);
    if (sub.wildcard || sub.names.equals(names)) {
      return;
    }
    sub.names = names;
    // Drop what is no longer named, as Envoy does when it unsubscribes.
    Map<String, ResourceEntry<?>> kept = new LinkedHashMap<>();
    sub.published.resources().forEach((name, entry) -> {
      if (sub.covers(name)) {
        kept.put(name, entry);
      }
    });
    if (kept.size() != sub.published.resources().size()) {
      sub.published = new TypeState(sub.published.version(), kept, sub.published.lastRejection());
    }
    if (stream != null && (sub.sentNames != null || !names.isEmpty())) {
      sendRequest(sub, null);
    }
  }

  // ---- requests ----

  private void sendRequest(Subscription sub, Status errorDetail) {
    if (delta) {
      sendDeltaRequest(sub, errorDetail);
      return;
    }
    DiscoveryRequest.Builder request =
        DiscoveryRequest.newBuilder()
            .setTypeUrl(sub.type.typeUrl())
            .setVersionInfo(sub.published.version())
            .setResponseNonce(sub.nonce);
    if (!sub.wildcard) {
      request.addAllResourceNames(new TreeSet<>(sub.names));
    }
    if (errorDetail != null) {
      request.setErrorDetail(errorDetail);
    }
    if (stream.firstRequest) {
      request.setNode(node);
      stream.firstRequest = false;
    }
    sub.sentNames = sub.names;
    stream.sotw.onNext(request.build());
  }

  private void sendDeltaRequest(Subscription sub, Status errorDetail) {
    DeltaDiscoveryRequest.Builder request = DeltaDiscoveryRequest.newBuilder().setTypeUrl(sub.type.typeUrl());
    if (errorDetail != null) {
      // A NACK carries only the nonce and the error; subscriptions are unchanged.
      request.setResponseNonce(sub.nonce).setErrorDetail(errorDetail);
    } else if (sub.sentNames == null) {
      // First request of this type on this stream: everything we want, and the versions we hold, so
      // the server sends only what changed while we were away.
      if (!sub.wildcard) {
        request.addAllResourceNamesSubscribe(new TreeSet<>(sub.names));
      }
      sub.published.resources().forEach((name, entry) -> request.putInitialResourceVersions(name, entry.version()));
      sub.sentNames = sub.names;
    } else if (!sub.nonce.isEmpty() && sub.sentNames.equals(sub.names)) {
      request.setResponseNonce(sub.nonce);
    } else {
      Set<String> added = new TreeSet<>(sub.names);
      added.removeAll(sub.sentNames);
      Set<String> removed = new TreeSet<>(sub.sentNames);
      removed.removeAll(sub.names);
      request.addAllResourceNamesSubscribe(added).addAllResourceNamesUnsubscribe(removed);
      sub.sentNames = sub.names;
    }
    if (stream.firstRequest) {
      request.setNode(node);
      stream.firstRequest = false;
    }
    stream.delta.onNext(request.build());
  }

  // ---- responses (executor only) ----

  private void markConnected() {
    if (!stream.connected) {
      stream.connected = true;
      listener.onConnected(true);
    }
  }

  private void onSotwResponse(DiscoveryResponse response) {
    markConnected();
    Subscription sub = byTypeUrl.get(response.getTypeUrl());
    if (sub == null) {
      LOG.warn("ADS response for unsubscribed type {} ignored", response.getTypeUrl());
      return;
    }
    backoff.reset();
    sub.nonce = response.getNonce();
    Parsed parsed = parse(sub.type, response.getResourcesList(), response.getVersionInfo());
    if (!parsed.errors.isEmpty()) {
      reject(sub, response.getVersionInfo(), parsed);
      return;
    }
    Map<String, ResourceEntry<?>> next = new LinkedHashMap<>();
    if (!sub.type.allResourcesInEachResponse()) {
      next.putAll(sub.published.resources());
    }
    parsed.entries.forEach(next::put);
    if (!sub.wildcard) {
      next.keySet().removeIf(name -> !sub.covers(name));
    }
    acceptOrNack(sub, response.getVersionInfo(), keepTimestamps(sub, next));
  }

  private void onDeltaResponse(DeltaDiscoveryResponse response) {
    markConnected();
    Subscription sub = byTypeUrl.get(response.getTypeUrl());
    if (sub == null) {
      LOG.warn("ADS delta response for unsubscribed type {} ignored", response.getTypeUrl());
      return;
    }
    backoff.reset();
    sub.nonce = response.getNonce();
    List<Any> protos = new ArrayList<>();
    Map<String, String> versions = new HashMap<>();
    for (Resource r : response.getResourcesList()) {
      if (sub.type.namespaced() && !sub.covers(r.getName())) {
        // Under no subscribed namespace (e.g. sent before an unsubscribe reached the server): ignored,
        // valid or not, as Envoy ignores virtual hosts of route configurations it no longer holds.
        continue;
      }
      protos.add(r.getResource());
      versions.put(r.getName(), r.getVersion());
    }
    String version = response.getSystemVersionInfo().isEmpty() ? response.getNonce() : response.getSystemVersionInfo();
    Parsed parsed = parse(sub.type, protos, version);
    if (sub.type.namespaced() && parsed.errors.isEmpty()) {
      // Held by the message's name, removed by the resource's: the two must agree, or a removal would
      // miss the host it names.
      for (Resource r : response.getResourcesList()) {
        if (versions.containsKey(r.getName()) && !parsed.entries.containsKey(r.getName()) && !parsed.failed.containsKey(r.getName())) {
          parsed.errors.add(sub.type.kind() + " [" + r.getName() + "]: resource name differs from the message's name (expected: the same"
              + " <route configuration name>/<virtual host name> in both)");
          parsed.failed.put(r.getName(), r.getResource());
        }
      }
    }
    if (!parsed.errors.isEmpty()) {
      reject(sub, version, parsed);
      return;
    }
    Map<String, ResourceEntry<?>> next = new LinkedHashMap<>(sub.published.resources());
    parsed.entries.forEach(
        (name, entry) ->
            next.put(
                name,
                new ResourceEntry<>(
                    name, versions.getOrDefault(name, version), entry.proto(), entry.value(), entry.lastUpdated())));
    response.getRemovedResourcesList().forEach(next::remove);
    if (!sub.wildcard) {
      next.keySet().removeIf(name -> !sub.covers(name));
    }
    acceptOrNack(sub, version, keepTimestamps(sub, next));
  }

  private record Parsed(Map<String, ResourceEntry<?>> entries, Map<String, Any> failed, List<String> errors) {}

  private Parsed parse(XdsResourceType<?, ?> type, List<Any> resources, String version) {
    Map<String, ResourceEntry<?>> entries = new LinkedHashMap<>();
    Map<String, Any> failed = new LinkedHashMap<>();
    List<String> errors = new ArrayList<>();
    Instant now = clock.instant();
    for (int i = 0; i < resources.size(); i++) {
      Any any = resources.get(i);
      if (!any.getTypeUrl().equals(type.typeUrl())) {
        errors.add("resources[" + i + "]: type " + any.getTypeUrl() + " (expected: " + type.typeUrl() + ")");
        continue;
      }
      ParseOutcome outcome = parseOne(type, any);
      if (outcome.name == null) {
        errors.add("resources[" + i + "]: " + outcome.errors.getFirst());
        continue;
      }
      if (entries.containsKey(outcome.name) || failed.containsKey(outcome.name)) {
        errors.add(type.kind() + " [" + outcome.name + "]: appears twice in one response");
        continue;
      }
      if (outcome.errors.isEmpty()) {
        entries.put(outcome.name, new ResourceEntry<>(outcome.name, version, any, outcome.value, now));
      } else {
        failed.put(outcome.name, any);
        errors.addAll(outcome.errors);
      }
    }
    return new Parsed(entries, failed, errors);
  }

  private record ParseOutcome(String name, Object value, List<String> errors) {}

  @SuppressWarnings("unchecked")
  private static <M extends Message, T> ParseOutcome parseOne(XdsResourceType<M, T> type, Any any) {
    M proto;
    try {
      proto = type.unpack(any);
    } catch (InvalidProtocolBufferException e) {
      return new ParseOutcome(null, null, List.of("cannot decode " + type.kind() + ": " + e.getMessage()));
    }
    String name = type.name(proto);
    ValidationErrors errors = ValidationErrors.forResource(type.kind(), name);
    T value;
    try {
      value = type.parse(proto, errors);
    } catch (RuntimeException e) {
      // A parser bug must not take the stream down; report it like any other invalid resource.
      errors.add("internal error while parsing: " + e);
      value = null;
    }
    if (value == null && errors.isEmpty()) {
      errors.add("rejected without a reason");
    }
    return new ParseOutcome(name, value, errors.messages());
  }

  private Map<String, ResourceEntry<?>> keepTimestamps(Subscription sub, Map<String, ResourceEntry<?>> next) {
    Map<String, ResourceEntry<?>> out = new LinkedHashMap<>();
    next.forEach(
        (name, entry) -> {
          ResourceEntry<?> old = sub.published.resources().get(name);
          if (old != null && old.proto().equals(entry.proto())) {
            out.put(name, new ResourceEntry<>(name, entry.version(), old.proto(), old.value(), old.lastUpdated()));
          } else {
            out.put(name, entry);
          }
        });
    return out;
  }

  private void accept(Subscription sub, String version, Map<String, ResourceEntry<?>> resources) {
    sub.repeatedNacks = 0;
    sub.published = new TypeState(version, resources, sub.published.lastRejection());
  }

  private void reject(Subscription sub, String version, Parsed parsed) {
    String details = String.join("; ", parsed.errors);
    Status error = Status.newBuilder().setCode(Code.INVALID_ARGUMENT_VALUE).setMessage(details).build();
    RejectedUpdate previous = sub.published.lastRejection();
    if (previous != null && previous.version().equals(version) && previous.details().equals(details)) {
      // Some servers answer a NACK by sending the same update again. NACK it again, but slowly, so the
      // pair does not spin; a newer response (new nonce) makes the pending NACK moot.
      long delayMillis = Math.min(REPEATED_NACK_MAX_DELAY.toMillis(), REPEATED_NACK_DELAY.toMillis() << Math.min(sub.repeatedNacks, 10));
      sub.repeatedNacks++;
      String nonce = sub.nonce;
      Stream current = stream;
      executor.schedule(
          () -> {
            if (stream == current && current != null && sub.nonce.equals(nonce)) {
              sendRequest(sub, error);
            }
          },
          delayMillis,
          TimeUnit.MILLISECONDS);
      return;
    }
    RejectedUpdate rejection = new RejectedUpdate(version, clock.instant(), parsed.failed, details, parsed.errors);
    sub.published = new TypeState(sub.published.version(), sub.published.resources(), rejection);
    sendRequest(sub, error);
    try {
      listener.onRejected(sub.type, rejection);
    } catch (RuntimeException e) {
      LOG.error("ADS listener failed on a rejected {} update", sub.type.shortName(), e);
    }
  }

  /**
   * Publishes a valid update and hands it to the listener; ACKs it when the listener could apply it,
   * NACKs it (and restores the previous state) when the listener reports why it could not — as Envoy
   * NACKs a listener it cannot create.
   */
  private void acceptOrNack(Subscription sub, String version, Map<String, ResourceEntry<?>> next) {
    TypeState previous = sub.published;
    accept(sub, version, next);
    List<String> applyErrors;
    try {
      applyErrors = listener.onUpdate(sub.type, version, sub.published.resources());
    } catch (Exception e) {
      // Exception, not RuntimeException: Netty rethrows I/O failures without declaring them.
      LOG.error("ADS listener failed to apply {} version {}", sub.type.shortName(), version, e);
      applyErrors = List.of("internal error while applying: " + e);
    }
    if (applyErrors.isEmpty()) {
      sendRequest(sub, null);
      return;
    }
    Map<String, Any> changed = new LinkedHashMap<>();
    next.forEach((name, entry) -> {
      ResourceEntry<?> old = previous.resources().get(name);
      if (old == null || !old.proto().equals(entry.proto())) {
        changed.put(name, entry.proto());
      }
    });
    sub.published = previous;
    reject(sub, version, new Parsed(Map.of(), changed, applyErrors));
  }


  /** Per-type subscription state. Confined to the executor, except {@link #published}. */
  private static final class Subscription {
    final XdsResourceType<?, ?> type;
    final boolean wildcard;
    Set<String> names = Set.of();
    Set<String> sentNames;
    String nonce = "";
    int repeatedNacks;
    volatile TypeState published = TypeState.EMPTY;

    Subscription(XdsResourceType<?, ?> type, boolean wildcard) {
      this.type = type;
      this.wildcard = wildcard;
    }

    /**
     * Whether a resource named {@code name} is subscribed: by its own name, or for a namespaced type
     * (VHDS) by the name before its last {@code /}. Anything else a response carries is ignored.
     */
    boolean covers(String name) {
      if (!type.namespaced()) {
        return names.contains(name);
      }
      int slash = name.lastIndexOf('/');
      return slash > 0 && names.contains(name.substring(0, slash));
    }
  }

  /** One gRPC stream; callbacks are ignored once a newer stream replaced it. */
  private final class Stream {
    boolean firstRequest = true;
    boolean connected;
    final StreamObserver<DiscoveryRequest> sotw;
    final StreamObserver<DeltaDiscoveryRequest> delta;
    private volatile ClientCallStreamObserver<?> call;

    Stream() {
      var stub = AggregatedDiscoveryServiceGrpc.newStub(channel);
      if (AdsClient.this.delta) {
        this.sotw = null;
        this.delta = stub.deltaAggregatedResources(new Observer<DeltaDiscoveryRequest, DeltaDiscoveryResponse>(this, AdsClient.this::onDeltaResponse));
      } else {
        this.delta = null;
        this.sotw = stub.streamAggregatedResources(new Observer<DiscoveryRequest, DiscoveryResponse>(this, AdsClient.this::onSotwResponse));
      }
    }

    void cancel() {
      ClientCallStreamObserver<?> c = call;
      if (c != null) {
        c.cancel("ADS client closed", null);
      }
    }
  }

  private final class Observer<Q, R> implements ClientResponseObserver<Q, R> {
    private final Stream owner;
    private final java.util.function.Consumer<R> onResponse;

    Observer(Stream owner, java.util.function.Consumer<R> onResponse) {
      this.owner = owner;
      this.onResponse = onResponse;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<Q> requestStream) {
      owner.call = requestStream;
    }

    @Override
    public void onNext(R response) {
      hop(
          () -> {
            if (owner == stream && !closed) {
              try {
                onResponse.accept(response);
              } catch (Exception e) {
                // An executor swallows what escapes a task; make it visible instead.
                LOG.error("ADS response handling failed", e);
              }
            }
          });
    }

    @Override
    public void onError(Throwable t) {
      hop(() -> onStreamClosed(owner, t));
    }

    @Override
    public void onCompleted() {
      hop(() -> onStreamClosed(owner, null));
    }

    private void hop(Runnable task) {
      try {
        executor.execute(task);
      } catch (java.util.concurrent.RejectedExecutionException shutDown) {
        // The proxy is stopping and its executor is gone: nothing is left to update.
      }
    }
  }

}
