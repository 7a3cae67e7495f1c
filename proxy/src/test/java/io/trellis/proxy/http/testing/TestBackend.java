package io.trellis.proxy.http.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.trellis.proxy.net.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 backend on 127.0.0.1:0 for tests. It echoes what it received: the request line and
 * each request header as {@code x-echo-*} response headers, the body back (or "backend NAME"), and
 * counts connections and requests. Paths: {@code /status/N} answers N, {@code /delay/MS} waits,
 * {@code /trailers} answers chunked with a {@code grpc-status} trailer, {@code /big/N} sends N bytes.
 */
public final class TestBackend implements AutoCloseable {
  public final String name;
  public final AtomicInteger connections = new AtomicInteger();
  public final AtomicInteger requests = new AtomicInteger();
  public final List<FullHttpRequestSnapshot> seen = new CopyOnWriteArrayList<>();
  private final Channel server;

  /** What the backend saw of one request. */
  public record FullHttpRequestSnapshot(String method, String uri, Map<String, String> headers, int bodyLength,
      Map<String, String> trailers) {}

  public TestBackend(Transport transport, String name) {
    this.name = name;
    this.server = new ServerBootstrap()
        .group(transport.eventLoops())
        .channel(transport.serverChannelType())
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            connections.incrementAndGet();
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 * 1024 * 1024), new Handler());
          }
        })
        .bind("127.0.0.1", 0).syncUninterruptibly().channel();
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
  }

  private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      requests.incrementAndGet();
      Map<String, String> headers = new java.util.TreeMap<>();
      req.headers().forEach(e -> headers.merge(e.getKey().toLowerCase(), e.getValue(), (a, b) -> a + "," + b));
      Map<String, String> trailers = new java.util.TreeMap<>();
      req.trailingHeaders().forEach(e -> trailers.put(e.getKey().toLowerCase(), e.getValue()));
      seen.add(new FullHttpRequestSnapshot(req.method().name(), req.uri(), headers, req.content().readableBytes(), trailers));
      String uri = req.uri();
      if (uri.startsWith("/delay/")) {
        long ms = Long.parseLong(uri.substring(7).split("[/?]")[0]);
        // copy the body out now: a task still pending when the test ends must not hold a pooled buffer
        byte[] body = io.netty.buffer.ByteBufUtil.getBytes(req.content());
        FullHttpRequest copy = req.replace(Unpooled.EMPTY_BUFFER);
        ctx.executor().schedule(() -> respond(ctx, copy, body.length == 0 ? null : Unpooled.wrappedBuffer(body), HttpResponseStatus.OK),
            ms, TimeUnit.MILLISECONDS);
        return;
      }
      if (uri.startsWith("/status/")) {
        int code = Integer.parseInt(uri.substring(8).split("[/?]")[0]);
        respond(ctx, req, req.content().retain(), HttpResponseStatus.valueOf(code));
        return;
      }
      if (uri.startsWith("/trailers")) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED).set(HttpHeaderNames.CONTENT_TYPE, "application/grpc");
        ctx.write(r);
        ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("grpc-body", StandardCharsets.US_ASCII)));
        LastHttpContent last = new DefaultLastHttpContent();
        last.trailingHeaders().set("grpc-status", "0").set("grpc-message", "ok");
        ctx.writeAndFlush(last);
        return;
      }
      if (uri.startsWith("/big/")) {
        int n = Integer.parseInt(uri.substring(5).split("[/?]")[0]);
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
          bytes[i] = (byte) ('a' + i % 26);
        }
        respond(ctx, req, Unpooled.wrappedBuffer(bytes), HttpResponseStatus.OK);
        return;
      }
      respond(ctx, req, req.content().isReadable() ? req.content().retain() : null, HttpResponseStatus.OK);
    }

    private void respond(ChannelHandlerContext ctx, FullHttpRequest req, ByteBuf body, HttpResponseStatus status) {
      ByteBuf content = body != null && body.isReadable() ? body : Unpooled.copiedBuffer("backend " + name, StandardCharsets.US_ASCII);
      if (body != null && content != body) {
        body.release();
      }
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
      r.headers().set("x-backend", name).set("x-echo-uri", req.uri()).set("x-echo-method", req.method().name());
      req.headers().forEach(e -> {
        String n = e.getKey().toLowerCase();
        if (!n.equals("content-length") && !n.equals("transfer-encoding") && !n.equals("connection")) {
          r.headers().add("x-echo-" + n, e.getValue());
        }
      });
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
      ctx.writeAndFlush(r);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
