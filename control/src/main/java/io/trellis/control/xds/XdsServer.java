package io.trellis.control.xds;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Serves xDS to proxies over ADS (gRPC), both state of the world and delta.
 *
 * <p>Configuration arrives as an {@link XdsGenerator} through {@link #update}: for every connected
 * proxy the server regenerates its resources, compares content hashes with what the proxy has, and
 * sends only the types and resources that differ, in the order CDS, EDS, LDS, RDS, VHDS. At most one
 * response per type is outstanding per proxy: a change that arrives meanwhile waits for the ACK or
 * NACK and is then sent coalesced with any later ones. Debouncing bursts of changes is the caller's
 * job ({@code io.trellis.control.push}); this class pushes what it is given.
 *
 * <p>Bytes in flight are bounded twice: per stream by gRPC's flow control (nothing more is sent on
 * a stream whose transport buffer is full until it drains), and server-wide by a {@link
 * ResponseBudget} of serialized response bytes that waits FIFO across proxies. A response's bytes
 * count until the proxy answers it, its stream drains or closes, or the hold limit passes.
 */
public final class XdsServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 15010;

  /**
   * How long one response's bytes may count against the budget at most. The normal releases come
   * sooner: the stream drains (seconds for the largest response to a busy proxy) or the proxy
   * answers. This one is for a proxy that neither reads nor answers; it then still gets nothing
   * more while its transport stays full, so what it pins in memory is one response, while the
   * others' pushes wait at most this long for it.
   */
  public static final Duration DEFAULT_RESPONSE_HOLD_LIMIT = Duration.ofSeconds(30);

  /**
   * The default response budget: an eighth of the maximum heap, between 32 and 256 MiB. Responses
   * in flight sit serialized in gRPC's off-heap buffers, which are outside the heap limit (Netty's
   * own cap is as large as the heap) and, pooled, are not returned to the OS once grown: the
   * budget is what keeps RSS near heap plus a fraction. 256 MiB is about 64 complete initial
   * pushes of the benchmark's sidecars (CDS, EDS, LDS, RDS: some 4 MiB each) at once, far more
   * than loopback or a network drains in the time it takes to generate the next ones, so sending
   * stays busy; a small heap gets proportionally less.
   */
  public static long defaultResponseBudget() {
    long eighth = Runtime.getRuntime().maxMemory() / 8;
    return Math.clamp(eighth, 32L << 20, 256L << 20);
  }

  private final Server grpc;
  private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
  private final Executor pushExecutor;
  private final ExecutorService ownedExecutor;
  private final ExecutorService callbackExecutor;
  private final ScheduledExecutorService holdTimer;
  private final ResponseBudget budget;
  private final Duration holdLimit;
  private final XdsObserver observer;
  private final Clock clock;
  private final NameSetInterner names = new NameSetInterner();
  private final ResourceDiff.Cache diffs = new ResourceDiff.Cache();
  private final IdentityPairMemo<Set<String>, java.util.Map<String, XdsResources.Resource>, Boolean> coverage =
      new IdentityPairMemo<>((names, resources) -> TypeState.covers(false, names, resources));
  private final IdentityPairMemo<Set<String>, java.util.Map<String, XdsResources.Resource>, Boolean> namespaceCoverage =
      new IdentityPairMemo<>((names, resources) -> TypeState.covers(true, names, resources));
  private volatile XdsGenerator generator;

  private XdsServer(Builder b) {
    this.generator = b.generator;
    this.observer = b.observer;
    this.clock = b.clock;
    if (b.pushExecutor != null) {
      this.pushExecutor = b.pushExecutor;
      this.ownedExecutor = null;
    } else {
      int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
      this.ownedExecutor =
          Executors.newFixedThreadPool(threads, Thread.ofPlatform().name("xds-push-", 0).daemon().factory());
      this.pushExecutor = ownedExecutor;
    }
    // Stream callbacks (requests, ACKs) run on a pool of a few threads rather than gRPC's default
    // unbounded one, which grew to hundreds of threads when 2000 proxies ACKed a push at once and
    // spent the cores switching between them.
    int callbackThreads = Math.max(2, 2 * Runtime.getRuntime().availableProcessors());
    this.callbackExecutor =
        Executors.newFixedThreadPool(callbackThreads, Thread.ofPlatform().name("xds-stream-", 0).daemon().factory());
    // Streams resumed by the budget run on the callback pool: never on the releasing thread
    // (which holds another stream's lock), and where ACKs already push.
    this.budget = new ResponseBudget(b.responseBudget, observer, callbackExecutor);
    this.holdLimit = b.responseHoldLimit;
    this.holdTimer =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("xds-hold-timer").daemon().factory());
    this.grpc =
        NettyServerBuilder.forAddress(new InetSocketAddress(b.host, b.port))
            .executor(callbackExecutor)
            .addService(new AdsService(this).definition())
            // Envoy and gRPC clients ping idle ADS streams; allow it rather than GOAWAY them.
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            // Ping idle proxies so a vanished one (killed, partitioned) leaves the status promptly.
            .keepAliveTime(30, TimeUnit.SECONDS)
            .keepAliveTimeout(10, TimeUnit.SECONDS)
            .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on (the bound one when built with port 0). */
  public int port() {
    return grpc.getPort();
  }

  /**
   * Makes {@code next} the configuration every proxy gets, pushing to each proxy the types and
   * resources whose content changed; {@code scope} names the cause (for logs and convergence time).
   * Returns at once; pushes run on the push executor.
   */
  public void update(XdsGenerator next, PushScope scope) {
    generator = Objects.requireNonNull(next, "next");
    Objects.requireNonNull(scope, "scope");
    for (ProxyConnection c : connections) {
      c.schedule(scope);
    }
  }

  /** The generator proxies are served from now. */
  public XdsGenerator generator() {
    return generator;
  }

  /** Number of open ADS streams whose proxy has identified itself. */
  public int connectedProxies() {
    return connections.size();
  }

  /** Sync state of every connected proxy, sorted by proxy id then stream. */
  public List<ProxyStatus> status() {
    return connections.stream()
        .filter(c -> c.node != null)
        .map(ProxyConnection::status)
        .sorted(Comparator.comparing((ProxyStatus s) -> s.node().id()).thenComparingLong(ProxyStatus::streamId))
        .toList();
  }

  /** What was last sent to the proxy with this id (its newest stream if it has several). */
  public Optional<SentConfig> sentConfig(String proxyId) {
    return connection(proxyId).map(ProxyConnection::sentConfig);
  }

  /** The newest stream of the proxy with this id. */
  Optional<ProxyConnection> connection(String proxyId) {
    return connections.stream()
        .filter(c -> c.node != null && c.node.id().equals(proxyId))
        .max(Comparator.comparingLong(c -> c.streamId));
  }

  /** Ends every stream and stops listening; waits up to 5 s for gRPC to finish. */
  @Override
  public void close() {
    grpc.shutdownNow();
    try {
      grpc.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (ownedExecutor != null) {
        ownedExecutor.shutdownNow();
      }
      callbackExecutor.shutdownNow();
      holdTimer.shutdownNow();
    }
  }

  /** Serialized response bytes sent and not yet answered, drained, expired or closed. */
  public long responseBytesInFlight() {
    return budget.inFlight();
  }

  /** Streams whose next response waits for the response budget. */
  public int pushesWaitingForBudget() {
    return budget.waiting();
  }

  /** Responses that had to wait for the response budget since the server started. */
  public long budgetWaits() {
    return budget.waits();
  }

  ResponseBudget budget() {
    return budget;
  }

  /** Releases a response's bytes after the hold limit unless something released them before. */
  void expireLater(ProxyConnection c, long id) {
    try {
      holdTimer.schedule(
          () -> {
            try {
              callbackExecutor.execute(() -> c.expire(id));
            } catch (RejectedExecutionException e) {
              // closing: the stream releases everything as it closes
            }
          },
          holdLimit.toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closing: the stream releases everything as it closes
    }
  }

  void register(ProxyConnection c) {
    connections.add(c);
  }

  void unregister(ProxyConnection c) {
    connections.remove(c);
  }

  XdsObserver observer() {
    return observer;
  }

  Clock clock() {
    return clock;
  }

  /** One shared immutable set per distinct subscription, so streams do not each keep a copy. */
  Set<String> internNames(java.util.Collection<String> subscription) {
    return names.intern(subscription);
  }

  /**
   * Whether a subscription names every resource of a generated map (or, {@code namespaced}, the
   * namespace of every resource: VHDS); asked by every stream of a shape about the same (interned)
   * set and (shared) map, so answered once.
   */
  boolean covers(boolean namespaced, Set<String> names, java.util.Map<String, XdsResources.Resource> resources) {
    return (namespaced ? namespaceCoverage : coverage).get(names, resources);
  }

  /** Diffs between generated maps, shared by every stream making the same move. */
  ResourceDiff.Cache diffs() {
    return diffs;
  }

  Executor pushExecutor() {
    return pushExecutor;
  }

  /** Builds and starts an {@link XdsServer}; defaults: 127.0.0.1:15010, no configuration. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = DEFAULT_PORT;
    private XdsGenerator generator = XdsGenerator.EMPTY;
    private Executor pushExecutor;
    private XdsObserver observer = XdsObserver.NONE;
    private Clock clock = Clock.systemUTC();
    private long responseBudget = defaultResponseBudget();
    private Duration responseHoldLimit = DEFAULT_RESPONSE_HOLD_LIMIT;

    private Builder() {}

    /**
     * Serialized response bytes that may be in flight across all streams (see {@link
     * #defaultResponseBudget}); a response beyond it waits, and one larger than all of it goes
     * when nothing else is in flight.
     */
    public Builder responseBudget(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("xDS response budget: " + bytes + " bytes (expected: > 0)");
      }
      this.responseBudget = bytes;
      return this;
    }

    /** How long a response neither answered nor drained may count against the budget at most. */
    public Builder responseHoldLimit(Duration limit) {
      Objects.requireNonNull(limit, "limit");
      if (limit.isNegative() || limit.isZero()) {
        throw new IllegalArgumentException("xDS response hold limit: " + limit + " (expected: > 0)");
      }
      this.responseHoldLimit = limit;
      return this;
    }

    /** Address to bind; loopback by default, since xDS carries the mesh's whole configuration. */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Port to bind; 0 picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("xds port: " + port + " (expected: 0..65535)");
      }
      this.port = port;
      return this;
    }

    /** The configuration served until the first {@link XdsServer#update}. */
    public Builder generator(XdsGenerator generator) {
      this.generator = Objects.requireNonNull(generator, "generator");
      return this;
    }

    /** Runs pushes (generation per proxy); by default a pool of one thread per core, at least 2. */
    public Builder pushExecutor(Executor pushExecutor) {
      this.pushExecutor = Objects.requireNonNull(pushExecutor, "pushExecutor");
      return this;
    }

    public Builder observer(XdsObserver observer) {
      this.observer = Objects.requireNonNull(observer, "observer");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public XdsServer start() throws IOException {
      XdsServer s = new XdsServer(this);
      try {
        s.grpc.start();
      } catch (IOException | RuntimeException e) {
        s.close(); // stops the executors the constructor started
        throw e;
      }
      return s;
    }
  }
}
