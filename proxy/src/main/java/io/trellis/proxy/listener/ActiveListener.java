package io.trellis.proxy.listener;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.http.ConnectionInfo;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.network.Drainable;
import io.trellis.proxy.network.NetworkFilter;
import io.trellis.proxy.stats.Counter;
import io.trellis.proxy.stats.Gauge;
import io.trellis.proxy.stats.StatsStore;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One bound listener: its socket, its current compiled configuration (swapped atomically), and the
 * connections it accepted, each remembered with the configuration version it started on so that an
 * update drains exactly the connections on older versions.
 */
final class ActiveListener {
  private final String name;
  private final Transport transport;
  private final StatsStore stats;
  private volatile CompiledListener current;
  private Channel serverChannel;
  private final Set<Tracked> connections = ConcurrentHashMap.newKeySet();
  private Counter cxTotal;
  private Gauge cxActive;
  private Counter noChainMatch;

  private record Tracked(Channel channel, Drainable drainable, CompiledListener version) {}

  ActiveListener(String name, Transport transport, StatsStore stats, CompiledListener initial) {
    this.name = name;
    this.transport = transport;
    this.stats = stats;
    this.current = initial;
  }

  CompiledListener current() {
    return current;
  }

  int port() {
    return serverChannel == null ? -1 : ((InetSocketAddress) serverChannel.localAddress()).getPort();
  }

  /** Binds the socket (blocking the calling thread, never an event loop). */
  void bind() {
    ListenerConfig c = current.config;
    int limit = c.perConnectionBufferLimitBytes();
    ServerBootstrap b = new ServerBootstrap()
        .group(transport.eventLoops())
        .channel(transport.serverChannelType())
        .option(ChannelOption.SO_REUSEADDR, true)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(Math.max(1, limit / 2), limit))
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            accept(ch);
          }
        });
    try {
      serverChannel = b.bind(c.address(), c.port()).syncUninterruptibly().channel();
    } catch (Exception e) {
      // bind failures arrive as (sneakily thrown) IOExceptions from the native transport
      throw new IllegalStateException(
          "listener[" + name + "]: bind " + c.address() + ":" + c.port() + ": " + e.getMessage(), e);
    }
    String statName = "listener." + c.address().replace(':', '_') + "_" + port() + ".";
    cxTotal = stats.counter(statName + "downstream_cx_total");
    cxActive = stats.gauge(statName + "downstream_cx_active");
    noChainMatch = stats.counter(statName + "no_filter_chain_match");
  }

  private void accept(Channel ch) {
    CompiledListener version = current;
    cxTotal.inc();
    cxActive.inc();
    ch.closeFuture().addListener(f -> cxActive.dec());
    InetSocketAddress local = (InetSocketAddress) ch.localAddress();
    InetSocketAddress remote = (InetSocketAddress) ch.remoteAddress();
    InetSocketAddress destination = local;
    if (version.originalDst) {
      InetSocketAddress original = OriginalDestination.of(ch);
      if (original != null) {
        destination = original;
      }
    }
    InetSocketAddress dst = destination;
    if (version.tlsInspector || version.httpInspector) {
      ListenerConfig c = version.config;
      ch.pipeline().addLast("listener-filters", new ListenerFilterHandler(
          version.tlsInspector, version.httpInspector, c.listenerFiltersTimeout(), c.continueOnListenerFiltersTimeout(),
          inspection -> start(ch, version, new ConnectionFacts(
              dst, remote, inspection.serverName(), inspection.transportProtocol(), inspection.applicationProtocols()))));
    } else {
      start(ch, version, new ConnectionFacts(dst, remote, "", "raw_buffer", List.of()));
    }
  }

  private void start(Channel ch, CompiledListener version, ConnectionFacts facts) {
    NetworkFilter filter = version.select(facts);
    if (filter == null) {
      noChainMatch.inc();
      ch.close();
      return;
    }
    ConnectionInfo info = new ConnectionInfo(
        name, facts.source(), (InetSocketAddress) ch.localAddress(), facts.destination(), facts.serverName(),
        facts.transportProtocol(), false);
    String app = facts.applicationProtocols().isEmpty() ? "" : facts.applicationProtocols().getFirst();
    Drainable d = filter.install(ch, info, app);
    Tracked t = new Tracked(ch, d, version);
    connections.add(t);
    ch.closeFuture().addListener(f -> connections.remove(t));
  }

  /** Installs a new configuration for new connections and drains those accepted on older ones. */
  void update(CompiledListener next, Duration drainTime) {
    this.current = next;
    drain(t -> t.version != next, drainTime);
  }

  void drainAll(Duration drainTime) {
    drain(t -> true, drainTime);
  }

  private void drain(java.util.function.Predicate<Tracked> which, Duration drainTime) {
    for (Tracked t : connections) {
      if (which.test(t)) {
        t.drainable.drain();
        if (!drainTime.isZero()) {
          t.channel.eventLoop().schedule(() -> {
            t.channel.close();
          }, drainTime.toNanos(), TimeUnit.NANOSECONDS);
        }
      }
    }
  }

  /** Stops accepting; existing connections are left to drain. */
  void stopListening() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
  }

  /** Closes the socket and every connection now. */
  void closeNow() {
    stopListening();
    for (Tracked t : connections) {
      t.channel.close();
    }
  }

  int connectionCount() {
    return connections.size();
  }
}
