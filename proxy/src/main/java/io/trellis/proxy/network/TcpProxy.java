package io.trellis.proxy.network;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.trellis.proxy.config.listener.TcpProxyConfig;
import io.trellis.proxy.http.ConnectionInfo;
import io.trellis.proxy.stats.Counter;
import io.trellis.proxy.stats.Gauge;
import io.trellis.proxy.stats.StatsStore;
import io.trellis.proxy.upstream.ClusterManager;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.LoadBalancerContext;
import io.trellis.proxy.upstream.UpstreamCluster;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    EarlyBytes early = new EarlyBytes();
    downstream.pipeline().addLast("tcp-proxy-early", early);
    UpstreamCluster cluster = clusters.cluster(chooseCluster());
    Host host = cluster == null ? null
        : cluster.chooseHost(new LoadBalancerContext(null, Set.of(), 1, info.originalDestination()));
    if (host == null) {
      noRoute.inc();
      downstream.close();
      return () -> {};
    }
    Future<Channel> f = cluster.connectTcp(host, downstream.eventLoop());
    f.addListener(done -> {
      if (!f.isSuccess()) {
        connectFailures.inc();
        downstream.close();
        return;
      }
      Channel upstream = f.getNow();
      if (!downstream.isActive()) {
        upstream.close();
        return;
      }
      upstream.closeFuture().addListener(c -> closeOnFlush(downstream));
      // bytes a listener filter peeked before the upstream existed go first
      for (Object m : early.drain()) {
        upstream.write(m);
      }
      downstream.pipeline().remove(early);
      TunnelRelay.join(downstream, upstream, config.idleTimeout(), idleTimeouts::inc);
    });
    // Envoy lets TCP connections run until the drain time ends; the listener closes them then
    return () -> {};
  }

  /** Holds bytes that arrive (from listener filters' replay) before the upstream connection exists. */
  private static final class EarlyBytes extends ChannelInboundHandlerAdapter {
    private final List<Object> held = new ArrayList<>(1);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      held.add(msg);
    }

    List<Object> drain() {
      List<Object> out = List.copyOf(held);
      held.clear();
      return out;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      held.forEach(ReferenceCountUtil::release);
      held.clear();
      ctx.fireChannelInactive();
    }
  }

  static void closeOnFlush(Channel ch) {
    if (ch.isActive()) {
      ch.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
