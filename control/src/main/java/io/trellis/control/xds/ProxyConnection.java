package io.trellis.control.xds;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ADS stream from one proxy, in either protocol variant. Holds the proxy's generated resources
 * and, per type, what it subscribed to and has. Every method that touches state holds this object's
 * lock, so requests from the proxy and pushes from config changes never interleave; generation runs
 * under the lock too, which serialises one proxy's pushes without blocking any other proxy.
 */
abstract class ProxyConnection {
  private static final Logger log = LoggerFactory.getLogger(ProxyConnection.class);

  /** Push order: CDS, EDS, LDS, RDS, VHDS, then any other type by URL. */
  static final Comparator<String> PUSH_ORDER =
      Comparator.<String>comparingInt(
              url -> XdsType.fromTypeUrl(url).map(Enum::ordinal).orElse(XdsType.values().length))
          .thenComparing(Comparator.naturalOrder());

  final long streamId;
  final XdsServer server;
  final Instant connectedAt;
  /** The response side's gRPC call, whose readiness and cancellation the connection follows; null in tests. */
  private final ServerCallStreamObserver<?> transport;
  ProxyNode node;
  XdsResources generated = XdsResources.EMPTY;
  final Map<String, TypeState> types = new TreeMap<>(PUSH_ORDER);
  private PushScope pendingScope;
  private boolean scheduled;
  boolean closed;
  private Instant unconvergedSince;
  private long nonceCounter;

  // Flow control (see ResponseBudget): responses of this stream that hold budget, and why the
  // stream's owed responses wait. While either flag is set every push of this stream is deferred
  // (its type marked dirty), so responses still leave in push order when they resume.
  private final List<InFlight> inFlight = new ArrayList<>(2);
  private long inFlightSeq;
  /** Queued in the server's response budget; {@link #granted} resumes the stream. */
  private boolean awaitingBudget;
  /** The transport's buffer for this stream is full; {@link #transportReady} resumes it. */
  private boolean awaitingTransport;
  /** Bytes the budget reserved for this stream's next response (when {@link #hasGrant}). */
  private long grant;
  private boolean hasGrant;

  /** One sent response's bytes, held until answered, drained, expired or the stream closes. */
  private record InFlight(long id, String typeUrl, String nonce, long bytes) {}

  /**
   * @param out the stream's response side: when it is a gRPC server call (always, outside tests),
   *     the connection follows its transport — pushes resume when its buffer drains, and a
   *     cancelled stream (the proxy went away) is forgotten at once, releasing its budget; with a
   *     cancel handler set, a push racing the cancellation is dropped instead of throwing on
   *     whatever thread sent it
   */
  ProxyConnection(long streamId, XdsServer server, StreamObserver<?> out) {
    this.streamId = streamId;
    this.server = server;
    this.connectedAt = server.clock().instant();
    this.transport = out instanceof ServerCallStreamObserver<?> call ? call : null;
    if (transport != null) {
      transport.setOnReadyHandler(this::transportReady);
      transport.setOnCancelHandler(this::close);
    }
  }

  abstract boolean delta();

  /** Whether gRPC would take another message on this stream without buffering it beyond its limit. */
  final boolean transportWritable() {
    return transport == null || transport.isReady();
  }

  /**
   * Sends this type's changes if there are any and no response of this type is outstanding;
   * otherwise remembers that a push is due. {@code initial}: the proxy just subscribed, so a
   * wildcard type is answered even when it is empty.
   */
  abstract void push(TypeState st, boolean initial, Instant triggeredAt);

  /** The first request names the proxy; generate its resources and register it. */
  final boolean initNode(Node n) {
    try {
      node = ProxyNode.fromNode(n).withDelta(delta());
    } catch (IllegalArgumentException e) {
      fail(e.getMessage());
      return false;
    }
    // Register before generating: an update() that lands in between then schedules a push for
    // this stream (which waits for this lock), instead of missing it and leaving the proxy on the
    // previous generator until the next change.
    server.register(this);
    XdsResources fresh = generate();
    generated = fresh != null ? fresh : XdsResources.EMPTY;
    server.observer().connected(node);
    log.info("xDS stream {} opened by {} ({}, {})", streamId, node.id(), node.kind(), delta() ? "delta" : "state of the world");
    return true;
  }

  /** Ends the stream with INVALID_ARGUMENT and the reason. */
  abstract void fail(String reason);

  final TypeState typeState(String typeUrl) {
    return types.computeIfAbsent(typeUrl, TypeState::new);
  }

  /** A config change: coalesce with any push not yet run, and run it on the push executor. */
  final void schedule(PushScope scope) {
    synchronized (this) {
      if (closed) {
        return;
      }
      pendingScope = pendingScope == null ? scope : pendingScope.merge(scope);
      if (scheduled) {
        return;
      }
      scheduled = true;
    }
    server.pushExecutor().execute(this::runScheduledPush);
  }

  private void runScheduledPush() {
    long start = System.nanoTime();
    ProxyNode pushed;
    synchronized (this) {
      PushScope scope = pendingScope;
      pendingScope = null;
      scheduled = false;
      if (closed || node == null || scope == null) {
        return;
      }
      XdsResources fresh = generate();
      if (fresh == null) {
        return;
      }
      // Every type is reconciled by content, whatever the scope says: a type whose digest did not
      // change costs one comparison, and a translation that derives more than load assignments
      // from endpoints (DNS clusters carry theirs inline) is still pushed correctly.
      generated = fresh;
      for (TypeState st : types.values()) {
        if (st.subscribed) {
          push(st, false, scope.triggeredAt());
        }
      }
      pushed = node;
    }
    server.observer().pushTime(pushed, Duration.ofNanos(System.nanoTime() - start));
  }

  private XdsResources generate() {
    try {
      return server.generator().generate(node);
    } catch (RuntimeException e) {
      log.error("generating xDS for {} failed; it keeps the configuration it has", node.id(), e);
      return null;
    }
  }

  final String nextNonce() {
    return Long.toString(++nonceCounter);
  }

  /** The nonce {@link #nextNonce} will return, for a response that may yet have to wait. */
  final String peekNonce() {
    return Long.toString(nonceCounter + 1);
  }

  /** Records that a change is owed to the proxy, for convergence time. */
  final void noteChange(Instant triggeredAt) {
    if (triggeredAt != null && unconvergedSince == null) {
      unconvergedSince = triggeredAt;
    }
  }

  /**
   * Whether a response may be built and sent now. If not — an earlier response of this stream
   * waits, or the transport's buffer is full — the type is owed and goes when the stream resumes.
   */
  final boolean maySend(TypeState st, boolean initial, Instant triggeredAt) {
    if (!awaitingBudget && !awaitingTransport) {
      if (transportWritable()) {
        return true;
      }
      awaitingTransport = true;
    }
    owe(st, initial, triggeredAt);
    return false;
  }

  /**
   * Takes a built response's {@code bytes} from the server's budget (or the grant that resumed
   * this stream); when the budget is spent the type is owed and the stream waits its turn.
   */
  private boolean reserve(TypeState st, long bytes, boolean initial, Instant triggeredAt) {
    if (hasGrant) {
      hasGrant = false;
      server.budget().adjust(bytes - grant);
      return true;
    }
    if (server.budget().tryAcquire(this, bytes)) {
      return true;
    }
    awaitingBudget = true;
    owe(st, initial, triggeredAt);
    server.observer().waitedForBudget(node, st.typeUrl);
    return false;
  }

  private void owe(TypeState st, boolean initial, Instant triggeredAt) {
    st.dirty = true;
    st.initialOwed |= initial;
    noteChange(triggeredAt);
  }

  /**
   * Sends a built response of {@code bytes} (its nonce taken by {@link #peekNonce}) once the budget
   * has room: the proxy then holds exactly {@code desired}, the bytes stay in flight until answered,
   * and the type is reconciled. Returns false, with the type owed, when the response has to wait;
   * the caller then records nothing as sent.
   */
  final boolean sendWithinBudget(
      TypeState st,
      Map<String, XdsResources.Resource> desired,
      String nonce,
      long bytes,
      boolean initial,
      Instant triggeredAt,
      Runnable deliver) {
    if (!reserve(st, bytes, initial, triggeredAt)) {
      return false;
    }
    nextNonce();
    holds(st, desired);
    holdInFlight(st.typeUrl, nonce, bytes);
    deliver.run();
    markDiffed(st);
    return true;
  }

  /**
   * A reserved response goes out now: its bytes stay held until the proxy answers it, the stream
   * drains, the stream closes, or the server's hold limit passes — whichever comes first. Called
   * before the message is handed to gRPC, so a send that fails on a cancelled stream is released
   * with the rest when the stream closes.
   */
  private void holdInFlight(String typeUrl, String nonce, long bytes) {
    long id = ++inFlightSeq;
    inFlight.add(new InFlight(id, typeUrl, nonce, bytes));
    server.expireLater(this, id);
  }

  /** The proxy answered (ACK or NACK) this response: its bytes are no longer in flight. */
  final void releaseAnswered(String nonce) {
    releaseInFlight(f -> f.nonce.equals(nonce));
  }

  /** The proxy re-subscribed to a type from scratch: responses of it it will never answer. */
  final void releaseType(String typeUrl) {
    releaseInFlight(f -> f.typeUrl.equals(typeUrl));
  }

  private void releaseAllInFlight() {
    releaseInFlight(f -> true);
  }

  /** Stops holding the responses that match, giving their bytes back to the server's budget. */
  private void releaseInFlight(Predicate<InFlight> which) {
    long bytes = 0;
    for (var it = inFlight.iterator(); it.hasNext(); ) {
      InFlight f = it.next();
      if (which.test(f)) {
        bytes += f.bytes;
        it.remove();
      }
    }
    server.budget().release(bytes);
  }

  /**
   * The hold limit of one response passed: a proxy that neither reads nor answers must not keep
   * budget from every other proxy. It still gets nothing more while its transport stays full.
   */
  final synchronized void expire(long id) {
    releaseInFlight(f -> f.id == id);
  }

  /**
   * gRPC's on-ready callback: the stream's transport buffer drained below its limit, so what was
   * sent on it has left this process (to the socket or the proxy); its bytes are released, and
   * pushes owed while the buffer was full go out.
   */
  final synchronized void transportReady() {
    if (closed) {
      return;
    }
    releaseAllInFlight();
    if (awaitingTransport && transportWritable()) {
      awaitingTransport = false;
      pushOwed();
    }
  }

  /** The budget reserved {@code bytes} for this stream: send what is owed, in push order. */
  final synchronized void granted(long bytes) {
    awaitingBudget = false;
    grant = bytes;
    hasGrant = true;
    try {
      if (!closed) {
        pushOwed();
      }
    } finally {
      if (hasGrant) { // nothing needed it (anymore), or the stream closed meanwhile
        hasGrant = false;
        server.budget().release(grant);
      }
    }
  }

  /** Sends every type owed while the stream waited, in push order, until it has to wait again. */
  private void pushOwed() {
    for (TypeState st : types.values()) {
      if (awaitingBudget || awaitingTransport || closed) {
        return;
      }
      if (st.subscribed && st.dirty && st.pendingNonce == null) {
        push(st, st.initialOwed, null);
      }
    }
    checkConverged();
  }

  final void markSent(TypeState st, String nonce, String version, int count, Instant triggeredAt) {
    st.initialOwed = false;
    st.pendingNonce = nonce;
    st.lastSentNonce = nonce;
    st.sentVersion = version;
    st.everSent = true;
    st.dirty = false;
    noteChange(triggeredAt);
    server.observer().pushed(node, st.typeUrl, count);
  }

  /** The proxy answered the outstanding response of this type. */
  final void answered(TypeState st, String errorOrEmpty) {
    releaseAnswered(st.pendingNonce);
    if (errorOrEmpty.isEmpty()) {
      st.ackedVersion = st.sentVersion;
      st.nackError = "";
    } else {
      st.nackError = errorOrEmpty;
      log.warn("{} rejected {} version {}: {}", node.id(), st.typeUrl, st.sentVersion, errorOrEmpty);
      server.observer().nacked(node, st.typeUrl, errorOrEmpty);
    }
    st.pendingNonce = null;
  }

  /** After an answer: if nothing is outstanding or owed, the proxy has converged. */
  final void checkConverged() {
    if (unconvergedSince == null) {
      return;
    }
    for (TypeState st : types.values()) {
      if (st.pendingNonce != null || st.dirty) {
        return;
      }
    }
    server.observer().converged(node, Duration.between(unconvergedSince, server.clock().instant()));
    unconvergedSince = null;
  }

  /**
   * Resources of the state's type that the proxy subscribed to, by name, sorted. When it wants
   * every generated resource (wildcard, or names covering them all: the usual EDS and RDS case)
   * this is generation's own map, which every proxy of the shape shares and {@link
   * TypeState#nowHolds} then keeps by reference instead of copying.
   */
  final Map<String, XdsResources.Resource> desired(TypeState st) {
    Map<String, XdsResources.Resource> all = generated.ofType(st.typeUrl);
    if (st.wildcard || server.covers(st.namespaced, st.names, all)) {
      return all;
    }
    Map<String, XdsResources.Resource> out = new TreeMap<>();
    if (st.namespaced) {
      all.forEach((name, r) -> {
        if (st.wants(name)) {
          out.put(name, r);
        }
      });
    } else {
      for (String name : st.names) {
        XdsResources.Resource r = all.get(name);
        if (r != null) {
          out.put(name, r);
        }
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  /** Drops client state for names no longer subscribed; free when the held map is a covered generated one. */
  final void forgetUnsubscribed(TypeState st) {
    st.forgetUnsubscribed(!st.wildcard && st.heldGenerated && server.covers(st.namespaced, st.names, st.held));
  }

  /**
   * What the proxy lacks of {@code desired} and holds beyond it. Between two maps that generation
   * produced (the usual case) the diff is the server's shared one for that pair, computed once for
   * every proxy making the same move.
   */
  final ResourceDiff diff(TypeState st, Map<String, XdsResources.Resource> desired) {
    if (!st.initialVersions.isEmpty()) {
      // A reconnecting delta proxy told us what it has: compare against its versions.
      List<XdsResources.Resource> changed = new ArrayList<>();
      for (XdsResources.Resource r : desired.values()) {
        if (!r.hash().equals(st.heldHash(r.name()))) {
          changed.add(r);
        }
      }
      List<String> removed = new ArrayList<>();
      for (String name : st.held.keySet()) {
        if (!desired.containsKey(name)) {
          removed.add(name);
        }
      }
      for (String name : st.initialVersions.keySet()) {
        if (!desired.containsKey(name) && !st.held.containsKey(name)) {
          removed.add(name);
        }
      }
      return new ResourceDiff(changed, removed);
    }
    if (st.heldGenerated && desired == generated.ofType(st.typeUrl)) {
      return server.diffs().between(st.held, desired);
    }
    return ResourceDiff.between(st.held, desired);
  }

  /** The proxy now holds exactly {@code desired} (as returned by {@link #desired}). */
  final void holds(TypeState st, Map<String, XdsResources.Resource> desired) {
    st.nowHolds(desired, desired == generated.ofType(st.typeUrl));
  }

  /**
   * The version of a response carrying (the state of) {@code desired}: content-derived, so the same
   * resources always get the same version. When the proxy wants the whole type (the usual case for
   * CDS and LDS) that is the type's digest, computed once for all proxies sharing these resources.
   */
  final String versionOf(TypeState st, Map<String, XdsResources.Resource> desired) {
    if (desired.size() == generated.ofType(st.typeUrl).size()) {
      return generated.digest(st.typeUrl);
    }
    return XdsResources.digest(desired.values());
  }

  /**
   * Whether this type's generated resources are what the proxy's state was last reconciled
   * against, so there is nothing to diff. Subscription changes and deferred pushes clear the mark.
   */
  final boolean unchangedSinceLastDiff(TypeState st) {
    return st.diffedDigest != null && st.diffedDigest.equals(generated.digest(st.typeUrl));
  }

  /** The proxy's state of this type is reconciled with what is generated: nothing is owed. */
  final void markDiffed(TypeState st) {
    st.diffedDigest = generated.digest(st.typeUrl);
    st.dirty = false;
  }

  final synchronized ProxyStatus status() {
    Map<String, ProxyStatus.TypeStatus> out = new LinkedHashMap<>();
    Map<String, TypeState> all = new TreeMap<>(PUSH_ORDER);
    for (XdsType t : XdsType.values()) {
      if (delta() || !t.deltaOnly()) {
        all.put(t.typeUrl(), types.getOrDefault(t.typeUrl(), new TypeState(t.typeUrl())));
      }
    }
    all.putAll(types);
    all.forEach((url, st) -> out.put(url, st.status()));
    return new ProxyStatus(node, streamId, delta(), connectedAt, out);
  }

  /**
   * What the proxy holds, per type. Route configurations that use VHDS come with the virtual hosts
   * the proxy holds for them put back in ({@link Vhds#merged}), as Envoy's config_dump shows them.
   */
  final synchronized SentConfig sentConfig() {
    Map<String, List<Message>> out = new TreeMap<>(PUSH_ORDER);
    TypeState vhds = types.get(XdsType.VIRTUAL_HOST.typeUrl());
    List<VirtualHost> hosts = new ArrayList<>();
    if (vhds != null) {
      vhds.held.values().forEach(r -> hosts.add((VirtualHost) r.message()));
    }
    types.forEach(
        (url, st) -> {
          List<Message> sent = new ArrayList<>();
          for (XdsResources.Resource r : new TreeMap<>(st.held).values()) {
            Message m = r.message();
            if (m instanceof RouteConfiguration rc) {
              m = Vhds.merged(rc, hosts);
            }
            sent.add(m);
          }
          out.put(url, List.copyOf(sent));
        });
    return new SentConfig(node, streamId, out);
  }

  /** The stream ended (either side); forget the proxy. */
  final void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      releaseAllInFlight();
    }
    server.budget().cancel(this);
    server.unregister(this);
    if (node != null) {
      server.observer().disconnected(node);
      log.info("xDS stream {} of {} closed", streamId, node.id());
    }
  }
}
