package io.trellis.proxy.network;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import io.trellis.proxy.config.listener.TcpProxyConfig;
import io.trellis.proxy.http.ConnectionInfo;
import io.trellis.proxy.stats.Counter;
import io.trellis.proxy.stats.Gauge;
import io.trellis.proxy.stats.StatsStore;
import io.trellis.proxy.upstream.ClusterManager;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import io.trellis.proxy.upstream.UpstreamCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * Envoy's {@code tcp_proxy}: per connection it picks a cluster (by weight when several), a host, and
 * relays bytes both ways. Each side is read only while the other can take more (back-pressure); the
 * idle timeout closes both when no bytes moved either way for that long.
 */
public final class TcpProxy implements NetworkFilter {
  private final TcpProxyConfig config;
  private final ClusterManager clusters;
  private final RandomGenerator random;
  private final Counter cxTotal;
  private final Gauge cxActive;
  private final Counter noRoute;
  private final Counter idleTimeouts;
  private final Counter connectFailures;

  public TcpProxy(TcpProxyConfig config, ClusterManager clusters, StatsStore stats, RandomGenerator random) {
    this.config = config;
    this.clusters = clusters;
    this.random = random;
    String p = "tcp." + config.statPrefix() + ".";
    this.cxTotal = stats.counter(p + "downstream_cx_total");
    this.cxActive = stats.gauge(p + "downstream_cx_active");
    this.noRoute = stats.counter(p + "downstream_cx_no_route");
    this.idleTimeouts = stats.counter(p + "idle_timeout");
    this.connectFailures = stats.counter(p + "upstream_connect_failed");
  }

  String chooseCluster() {
    if (config.cluster() != null && !config.cluster().isEmpty()) {
      return config.cluster();
    }
    long total = 0;
    for (TcpProxyConfig.WeightedCluster w : config.weightedClusters()) {
      total += w.weight();
    }
    long pick = random.nextLong(total);
    for (TcpProxyConfig.WeightedCluster w : config.weightedClusters()) {
      pick -= w.weight();
      if (pick < 0) {
        return w.name();
      }
    }
    throw new AssertionError("weights sum to " + total);
  }

  @Override
  public Drainable install(Channel downstream, ConnectionInfo info, String applicationProtocol) {
    cxTotal.inc();
    cxActive.inc();
    downstream.closeFuture().addListener(f -> cxActive.dec());
    Session session = new Session(downstream);
    downstream.pipeline().addLast("tcp-proxy", session.downstreamSide);
    UpstreamCluster cluster = clusters.cluster(chooseCluster());
    Host host = cluster == null ? null
        : cluster.chooseHost(new LoadBalancerContext(null, Set.of(), 1, info.originalDestination()));
    if (host == null) {
      noRoute.inc();
      downstream.close();
      return session;
    }
    Future<Channel> f = cluster.connectTcp(host, downstream.eventLoop());
    f.addListener(done -> {
      if (!f.isSuccess()) {
        connectFailures.inc();
        downstream.close();
        return;
      }
      session.connected(f.getNow());
    });
    return session;
  }

  /** One proxied connection pair. */
  private final class Session implements Drainable {
    private final Channel downstream;
    private Channel upstream;
    private final List<Object> early = new ArrayList<>(1);
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> idleTimer;
    final Side downstreamSide = new Side(true);

    Session(Channel downstream) {
      this.downstream = downstream;
    }

    void connected(Channel up) {
      if (!downstream.isActive()) {
        up.close();
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        return;
      }
      upstream = up;
      up.pipeline().addLast("tcp-proxy", new Side(false));
      up.closeFuture().addListener(f -> closeOnFlush(downstream));
      for (Object m : early) {
        up.write(m);
      }
      early.clear();
      up.flush();
      up.read();
      downstream.read();
      armIdle();
    }

    private void armIdle() {
      Duration idle = config.idleTimeout();
      if (idle.isZero()) {
        return;
      }
      long waited = System.nanoTime() - lastActivity;
      long delay = idle.toNanos() - waited;
      if (delay <= 0) {
        idleTimeouts.inc();
        downstream.close();
        if (upstream != null) {
          upstream.close();
        }
        return;
      }
      idleTimer = downstream.eventLoop().schedule(this::armIdle, delay, TimeUnit.NANOSECONDS);
    }

    @Override
    public void drain() {
      // Envoy lets TCP connections run until the drain time ends; the listener closes them then
    }

    /** Relays what one side reads to the other. */
    private final class Side extends ChannelInboundHandlerAdapter {
      private final boolean isDownstream;

      Side(boolean isDownstream) {
        this.isDownstream = isDownstream;
      }

      private Channel peer() {
        return isDownstream ? upstream : downstream;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = System.nanoTime();
        Channel peer = peer();
        if (peer == null) {
          early.add(msg);
          return;
        }
        peer.writeAndFlush(msg, peer.voidPromise());
        if (peer.isWritable()) {
          ctx.channel().read();
        }
      }

      @Override
      public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel peer = peer();
        if (ctx.channel().isWritable() && peer != null) {
          peer.read();
        }
        ctx.fireChannelWritabilityChanged();
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        if (idleTimer != null) {
          idleTimer.cancel(false);
        }
        Channel peer = peer();
        if (peer != null) {
          closeOnFlush(peer);
        }
        early.forEach(ReferenceCountUtil::release);
        early.clear();
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
      }
    }
  }

  static void closeOnFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
