package io.trellis.proxy.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.trellis.proxy.config.cluster.TcpKeepalive;
import io.trellis.proxy.net.Transport;

/**
 * Opens connections to a cluster's hosts: socket options from the cluster (connect timeout, buffer
 * limit, keepalive), TLS when the cluster originates it, and the connection counters. The returned
 * channel has auto-read off and is ready for the caller's codec: connected, and handshaken when TLS.
 */
final class UpstreamConnector {
  static final String TLS_HANDLER = "tls";

  private final Bootstrap template;
  private final UpstreamTls tls;
  private final ClusterStats stats;
  private final long connectTimeoutMillis;
  private final ResourceLimit connectionLimit;

  UpstreamConnector(Transport transport, PoolSettings settings, TcpKeepalive keepalive, UpstreamTls tls, ClusterStats stats) {
    this(transport, settings, keepalive, tls, stats, ResourceLimit.unlimited());
  }

  /** @param connectionLimit the cluster's max_connections breaker: every open connection holds one */
  UpstreamConnector(Transport transport, PoolSettings settings, TcpKeepalive keepalive, UpstreamTls tls, ClusterStats stats,
      ResourceLimit connectionLimit) {
    this.connectionLimit = connectionLimit;
    this.tls = tls;
    this.stats = stats;
    this.connectTimeoutMillis = Math.max(1, settings.connectTimeout().toMillis());
    int high = settings.bufferLimitBytes();
    Bootstrap b = new Bootstrap()
        .channel(transport.channelType())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis))
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(Math.max(1, high / 2), high));
    if (keepalive != null) {
      b.option(ChannelOption.SO_KEEPALIVE, true);
      if (transport.nativeEpoll()) {
        if (keepalive.timeSeconds() > 0) {
          b.option(EpollChannelOption.TCP_KEEPIDLE, keepalive.timeSeconds());
        }
        if (keepalive.intervalSeconds() > 0) {
          b.option(EpollChannelOption.TCP_KEEPINTVL, keepalive.intervalSeconds());
        }
        if (keepalive.probes() > 0) {
          b.option(EpollChannelOption.TCP_KEEPCNT, keepalive.probes());
        }
      }
    }
    this.template = b;
  }

  boolean tls() {
    return tls != null;
  }

  /** Connects to {@code host}'s current address on {@code loop}; fails with {@link UpstreamFailure}. */
  Future<Channel> connect(UpstreamHost host, EventLoop loop) {
    Promise<Channel> ready = loop.newPromise();
    java.net.InetSocketAddress target = host.address();
    Bootstrap b = template.clone(loop).handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        if (tls != null) {
          String sni = tls.sni.isEmpty() ? null : tls.sni;
          SslHandler ssl = sni == null
              ? tls.context.newHandler(ch.alloc())
              : tls.context.newHandler(ch.alloc(), sni, target.getPort());
          ssl.setHandshakeTimeoutMillis(connectTimeoutMillis);
          ch.pipeline().addLast(TLS_HANDLER, ssl);
        }
      }
    });
    stats.cxTotal.inc();
    stats.cxActive.inc();
    host.cxActive.incrementAndGet();
    connectionLimit.acquire();
    ChannelFuture connect = b.connect(target);
    Channel ch = connect.channel();
    ch.closeFuture().addListener(f -> {
      stats.cxActive.dec();
      host.cxActive.decrementAndGet();
      connectionLimit.release();
      if (ready.isSuccess()) {
        stats.cxDestroy.inc();
      }
    });
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        stats.cxConnectFail.inc();
        Throwable cause = f.cause();
        if (cause instanceof ConnectTimeoutException) {
          stats.cxConnectTimeout.inc();
          ready.tryFailure(new UpstreamFailure(UpstreamFailure.Reason.CONNECT_TIMEOUT,
              "connect to " + host + " timed out after " + connectTimeoutMillis + " ms", cause));
        } else {
          ready.tryFailure(new UpstreamFailure(UpstreamFailure.Reason.CONNECTION_FAILURE,
              "connect to " + host + " failed: " + cause.getMessage(), cause));
        }
        return;
      }
      if (tls == null) {
        ready.trySuccess(ch);
        return;
      }
      SslHandler ssl = ch.pipeline().get(SslHandler.class);
      ssl.handshakeFuture().addListener(h -> {
        try {
          if (!h.isSuccess()) {
            throw h.cause();
          }
          tls.verifyPeer(ssl.engine().getSession());
          ready.trySuccess(ch);
        } catch (Throwable e) {
          stats.cxConnectFail.inc();
          ch.close();
          ready.tryFailure(new UpstreamFailure(UpstreamFailure.Reason.CONNECTION_FAILURE,
              "TLS handshake with " + host + " failed: " + e.getMessage(), e));
        }
      });
    });
    return ready;
  }

  /** The protocol ALPN chose on a connected channel, or {@code null} without TLS or ALPN. */
  static String negotiatedProtocol(Channel ch) {
    SslHandler ssl = ch.pipeline().get(SslHandler.class);
    return ssl == null ? null : ssl.applicationProtocol();
  }
}
