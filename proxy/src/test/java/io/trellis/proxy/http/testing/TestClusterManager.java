package io.trellis.proxy.http.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.trellis.proxy.net.Transport;
import io.trellis.proxy.upstream.ClusterManager;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.HttpConnectionPool;
import io.trellis.proxy.upstream.HttpProtocol;
import io.trellis.proxy.upstream.LoadBalancerContext;
import io.trellis.proxy.upstream.UpstreamCluster;
import io.trellis.proxy.upstream.UpstreamFailure;
import io.trellis.proxy.upstream.UpstreamStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test double for the upstream side (not product code): each cluster is one fixed address, and each
 * HTTP stream opens its own HTTP/1.1 connection, closed when the response ends. It records the load
 * balancer contexts it was asked with, so tests can check hash policies.
 */
public final class TestClusterManager implements ClusterManager {
  private final Transport transport;
  private final Map<String, FixedCluster> clusters = new ConcurrentHashMap<>();
  public final List<LoadBalancerContext> contexts = new CopyOnWriteArrayList<>();

  public TestClusterManager(Transport transport) {
    this.transport = transport;
  }

  public TestClusterManager put(String name, InetSocketAddress address) {
    clusters.put(name, new FixedCluster(name, address, ""));
    return this;
  }

  public TestClusterManager putWithHostname(String name, InetSocketAddress address, String hostname) {
    clusters.put(name, new FixedCluster(name, address, hostname));
    return this;
  }

  /** A cluster whose only host is unhealthy (chooseHost answers null). */
  public TestClusterManager putEmpty(String name) {
    clusters.put(name, new FixedCluster(name, null, ""));
    return this;
  }

  @Override
  public UpstreamCluster cluster(String name) {
    return clusters.get(name);
  }

  record FixedHost(InetSocketAddress address, String hostname) implements Host {
    @Override
    public Locality locality() {
      return Locality.NONE;
    }

    @Override
    public Map<String, String> lbMetadata() {
      return Map.of();
    }

    @Override
    public boolean healthy() {
      return true;
    }
  }

  private final class FixedCluster implements UpstreamCluster {
    private final String name;
    private final FixedHost host;

    FixedCluster(String name, InetSocketAddress address, String hostname) {
      this.name = name;
      this.host = address == null ? null : new FixedHost(address, hostname);
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Host chooseHost(LoadBalancerContext context) {
      contexts.add(context);
      return host;
    }

    @Override
    public HttpConnectionPool httpPool(Host h, EventLoop eventLoop, HttpProtocol downstreamProtocol) {
      return () -> {
        Promise<UpstreamStream> p = eventLoop.newPromise();
        ConnectionPerStream s = new ConnectionPerStream(h);
        ChannelFuture cf = new Bootstrap()
            .group(eventLoop)
            .channel(transport.channelType())
            .option(ChannelOption.AUTO_READ, false)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
            .handler(new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpClientCodec(), s);
              }
            })
            .connect(h.address());
        cf.addListener(done -> {
          if (cf.isSuccess()) {
            s.channel = cf.channel();
            p.setSuccess(s);
          } else {
            p.setFailure(new UpstreamFailure(UpstreamFailure.Reason.CONNECTION_FAILURE, String.valueOf(cf.cause()), cf.cause()));
          }
        });
        return p;
      };
    }

    @Override
    public Future<Channel> connectTcp(Host h, EventLoop eventLoop) {
      Promise<Channel> p = eventLoop.newPromise();
      ChannelFuture cf = new Bootstrap()
          .group(eventLoop)
          .channel(transport.channelType())
          .option(ChannelOption.AUTO_READ, false)
          .handler(new ChannelInboundHandlerAdapter())
          .connect(h.address());
      cf.addListener(done -> {
        if (cf.isSuccess()) {
          cf.channel().pipeline().removeFirst();
          p.setSuccess(cf.channel());
        } else {
          p.setFailure(cf.cause());
        }
      });
      return p;
    }
  }

  /** One request over one fresh connection. */
  private static final class ConnectionPerStream extends ChannelInboundHandlerAdapter implements UpstreamStream {
    private final Host host;
    Channel channel;
    private ResponseListener listener;
    private boolean done;

    ConnectionPerStream(Host host) {
      this.host = host;
    }

    @Override
    public void setListener(ResponseListener listener) {
      this.listener = listener;
    }

    @Override
    public io.netty.channel.ChannelFuture write(HttpObject part, boolean flush) {
      return flush ? channel.writeAndFlush(part) : channel.write(part);
    }

    @Override
    public boolean isWritable() {
      return channel.isWritable();
    }

    @Override
    public void read() {
      channel.read();
    }

    @Override
    public void reset() {
      done = true;
      channel.close();
    }

    @Override
    public Host host() {
      return host;
    }

    @Override
    public HttpProtocol protocol() {
      return HttpProtocol.HTTP_1_1;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (done) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof LastHttpContent) {
        done = true;
        listener.onResponsePart((HttpObject) msg);
        ctx.close();
        return;
      }
      listener.onResponsePart((HttpObject) msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (listener != null && !done) {
        listener.onWritabilityChanged(ctx.channel().isWritable());
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!done) {
        done = true;
        listener.onFailure(new UpstreamFailure(UpstreamFailure.Reason.REMOTE_RESET, "upstream closed"));
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
