package io.trellis.bench.controlplane;

import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import com.google.protobuf.Any;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * M simulated sidecars on a few gRPC channels to one xDS server: each proxy its own ADS stream
 * with its own node identity, many streams sharing a connection (as many sidecars share nothing,
 * but one benchmark client cannot open 2000 TCP connections cheaply and the server's per-stream
 * work is the same).
 */
public final class ProxyFleet implements AutoCloseable {

  /** Streams per channel at most; a run uses at least one channel and at most {@link #MAX_CHANNELS}. */
  static final int STREAMS_PER_CHANNEL = 250;

  static final int MAX_CHANNELS = 16;

  private final List<ManagedChannel> channels = new ArrayList<>();
  private final List<FleetMember> proxies = new ArrayList<>();
  private final XdsMode mode;
  private final ExecutorService callbacks;
  private final LongSupplier nanoClock;
  private final ResourceNames names = new ResourceNames();
  private final PushCounters counters = new PushCounters();
  private final CountDownLatch initial;
  private final AtomicInteger nacks = new AtomicInteger();
  private final AtomicInteger failedStreams = new AtomicInteger();
  private final AtomicReference<ConvergenceWatch> watch = new AtomicReference<>();
  private final AtomicReference<String> firstFailure = new AtomicReference<>();
  private volatile boolean closing;

  /**
   * Connects {@code proxies} sidecars, proxy {@code i} presenting {@code identities.apply(i)}, to
   * the ADS server at 127.0.0.1:{@code port}.
   */
  public ProxyFleet(
      int port, int proxies, IntFunction<SidecarIdentity> identities, XdsMode mode, LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.mode = mode;
    this.initial = new CountDownLatch(proxies);
    this.callbacks =
        Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            r -> {
              Thread t = new Thread(r, "xds-fleet");
              t.setDaemon(true);
              return t;
            });
    int channelCount = Math.min(MAX_CHANNELS, Math.max(1, (proxies + STREAMS_PER_CHANNEL - 1) / STREAMS_PER_CHANNEL));
    for (int c = 0; c < channelCount; c++) {
      channels.add(
          NettyChannelBuilder.forAddress("127.0.0.1", port)
              .usePlaintext()
              .executor(callbacks)
              .maxInboundMessageSize(1 << 30)
              // Envoy's default HTTP/2 windows for its xDS connection (initial_stream_window_size, 256
              // MiB, and initial_connection_window_size, the same). With gRPC's 1 MiB default, the streams
              // that share one of these channels also shared one 1 MiB connection window, which no
              // real sidecar (one connection each) does: 250 route configurations of 400 KB waited on
              // each other's WINDOW_UPDATEs.
              .flowControlWindow(ENVOY_WINDOW)
              .build());
    }
    for (int i = 0; i < proxies; i++) {
      io.envoyproxy.envoy.config.core.v3.Node node = identities.apply(i).node();
      this.proxies.add(mode == XdsMode.DELTA ? new DeltaSimulatedProxy(i, node, this) : new SimulatedProxy(i, node, this));
    }
  }

  /** Envoy's default HTTP/2 flow-control window for streams and connections: 256 MiB. */
  static final int ENVOY_WINDOW = 256 << 20;

  /** Opens every proxy's stream and sends its first requests. */
  public void start() {
    for (FleetMember p : proxies) {
      p.start(AggregatedDiscoveryServiceGrpc.newStub(channels.get(p.index() % channels.size())));
    }
  }

  /** Waits until every proxy holds its full initial configuration, or the deadline passes. */
  public boolean awaitInitialConfig(Duration deadline) throws InterruptedException {
    return initial.await(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Per-proxy time to full initial configuration in ms, sorted, for the proxies that got there. */
  public double[] initialConfigMs() {
    return proxies.stream().mapToDouble(FleetMember::initialConfigMs).filter(v -> v >= 0).sorted().toArray();
  }

  /**
   * Starts timing a change: from now, responses of {@code typeUrls} are searched for {@code
   * marker}. Call just before writing the change.
   */
  ConvergenceWatch watch(java.util.Set<String> typeUrls, String marker) {
    ConvergenceWatch w = new ConvergenceWatch(typeUrls, marker, proxies.size(), nanoClock.getAsLong());
    watch.set(w);
    return w;
  }

  public int size() {
    return proxies.size();
  }

  public int nacks() {
    return nacks.get();
  }

  public int failedStreams() {
    return failedStreams.get();
  }

  /** The first stream failure's reason, or null. */
  public String firstFailure() {
    return firstFailure.get();
  }

  PushCounters counters() {
    return counters;
  }

  ResourceNames names() {
    return names;
  }

  long nanoTime() {
    return nanoClock.getAsLong();
  }

  void observed(int proxy, String typeUrl, Iterable<Any> resources, long nowNanos) {
    ConvergenceWatch w = watch.get();
    if (w != null) {
      w.offer(proxy, typeUrl, resources, nowNanos);
    }
  }

  public XdsMode mode() {
    return mode;
  }

  void initialConfigComplete() {
    initial.countDown();
  }

  void nack() {
    nacks.incrementAndGet();
  }

  void streamFailed(FleetMember p) {
    if (closing) {
      return;
    }
    failedStreams.incrementAndGet();
    firstFailure.compareAndSet(null, "proxy " + p.index() + ": " + p.failure());
  }

  @Override
  public void close() {
    closing = true;
    proxies.forEach(FleetMember::stop);
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (ManagedChannel c : channels) {
      try {
        c.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    callbacks.shutdownNow();
  }

  /** Nearest-rank percentile of sorted values; null for none. */
  public static Double percentile(double[] sorted, double p) {
    if (sorted.length == 0) {
      return null;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  static double max(double[] sorted) {
    return Arrays.stream(sorted).max().orElse(Double.NaN);
  }
}
