package io.trellis.proxy.health;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.trellis.proxy.config.cluster.HealthCheck;
import io.trellis.proxy.net.Transport;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * A TCP health check: connect; with a payload, send it and pass once every expected block has been
 * received, each after the previous one. Connect-only checks pass on connect. Answers are kept only
 * up to a bound, so a chatty host cannot grow our memory.
 */
public final class TcpHealthProbe implements HealthProbe {
  private static final int MAX_RECEIVED = 64 * 1024;

  private final Transport transport;
  private final EventLoop loop;
  private final HealthCheck.Tcp config;
  private final int connectTimeoutMillis;

  public TcpHealthProbe(Transport transport, EventLoop loop, HealthCheck.Tcp config, int connectTimeoutMillis) {
    this.transport = transport;
    this.loop = loop;
    this.config = config;
    this.connectTimeoutMillis = Math.max(1, connectTimeoutMillis);
  }

  @Override
  public Runnable start(InetSocketAddress target, Consumer<ProbeOutcome> done) {
    boolean[] reported = new boolean[1];
    Consumer<ProbeOutcome> once = outcome -> {
      if (!reported[0]) {
        reported[0] = true;
        done.accept(outcome);
      }
    };
    ChannelFuture connect = new Bootstrap()
        .group(loop)
        .channel(transport.channelType())
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new Matcher(once));
          }
        })
        .connect(target);
    connect.addListener(f -> {
      if (!f.isSuccess()) {
        once.accept(ProbeOutcome.FAIL_NETWORK);
        return;
      }
      if (config.receive().isEmpty()) {
        if (config.send().length > 0) {
          connect.channel().writeAndFlush(Unpooled.wrappedBuffer(config.send()));
        }
        once.accept(ProbeOutcome.PASS);
        connect.channel().close();
        return;
      }
      connect.channel().writeAndFlush(Unpooled.wrappedBuffer(config.send()));
    });
    connect.channel().closeFuture().addListener(f -> once.accept(ProbeOutcome.FAIL_NETWORK));
    return () -> connect.channel().close();
  }

  private final class Matcher extends SimpleChannelInboundHandler<ByteBuf> {
    private final Consumer<ProbeOutcome> done;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    Matcher(Consumer<ProbeOutcome> done) {
      this.done = done;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
      if (received.size() + msg.readableBytes() > MAX_RECEIVED) {
        ctx.close();
        return;
      }
      received.writeBytes(ByteBufUtil.getBytes(msg));
      if (matches(received.toByteArray())) {
        done.accept(ProbeOutcome.PASS);
        ctx.close();
      }
    }

    private boolean matches(byte[] data) {
      int from = 0;
      for (byte[] block : config.receive()) {
        int at = indexOf(data, block, from);
        if (at < 0) {
          return false;
        }
        from = at + block.length;
      }
      return true;
    }

    private static int indexOf(byte[] data, byte[] block, int from) {
      outer:
      for (int i = from; i <= data.length - block.length; i++) {
        for (int j = 0; j < block.length; j++) {
          if (data[i + j] != block[j]) {
            continue outer;
          }
        }
        return i;
      }
      return -1;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
