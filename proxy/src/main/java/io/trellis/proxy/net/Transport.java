package io.trellis.proxy.net;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The event loops and channel types of one proxy. Listeners accept on these loops and upstream
 * connections are opened on the loop of the downstream connection that needs them, so a request
 * never changes threads.
 *
 * @param eventLoops one loop per core by default
 * @param serverChannelType the listening socket type matching {@code eventLoops}
 * @param channelType the connecting socket type matching {@code eventLoops}
 * @param nativeEpoll whether epoll is in use (native socket options such as TCP_USER_TIMEOUT)
 */
public record Transport(
    EventLoopGroup eventLoops,
    Class<? extends ServerChannel> serverChannelType,
    Class<? extends Channel> channelType,
    boolean nativeEpoll)
    implements AutoCloseable {

  /** Epoll when the native library loads (Linux), NIO otherwise. {@code threads <= 0} means one per core. */
  public static Transport create(int threads, String threadNamePrefix) {
    int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    DefaultThreadFactory factory = new DefaultThreadFactory(threadNamePrefix, true);
    if (Epoll.isAvailable()) {
      IoHandlerFactory io = EpollIoHandler.newFactory();
      return new Transport(
          new MultiThreadIoEventLoopGroup(n, factory, io),
          EpollServerSocketChannel.class,
          EpollSocketChannel.class,
          true);
    }
    return new Transport(
        new MultiThreadIoEventLoopGroup(n, factory, NioIoHandler.newFactory()),
        NioServerSocketChannel.class,
        NioSocketChannel.class,
        false);
  }

  /** Stops the event loops, waiting up to five seconds. */
  @Override
  public void close() {
    eventLoops.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
