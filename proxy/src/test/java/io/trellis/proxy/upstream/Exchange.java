package io.trellis.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request through the upstream seam, as the router would make it: choose a host, take a stream
 * from the pool on the loop, write the request, read the response part by part. The test decides
 * whether reading continues on its own ({@link #autoRead}) or step by step.
 */
final class Exchange implements io.trellis.proxy.upstream.UpstreamStream.ResponseListener {
  final CompletableFuture<Exchange> done = new CompletableFuture<>();
  final CompletableFuture<HttpResponse> head = new CompletableFuture<>();
  final ByteArrayOutputStream body = new ByteArrayOutputStream();
  volatile HttpHeaders trailers;
  volatile UpstreamStream stream;
  volatile int parts;
  private final EventLoop loop;
  private volatile boolean autoRead;
  final AtomicBoolean paused = new AtomicBoolean();

  private Exchange(EventLoop loop, boolean autoRead) {
    this.loop = loop;
    this.autoRead = autoRead;
  }

  static FullHttpRequest get(String path) {
    FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path, Unpooled.EMPTY_BUFFER);
    r.headers().set(HttpHeaderNames.HOST, "backend");
    HttpUtil.setContentLength(r, 0);
    return r;
  }

  static Exchange start(UpstreamCluster cluster, EventLoop loop, FullHttpRequest request, HttpProtocol downstream) {
    return start(cluster, loop, request, downstream, io.trellis.proxy.upstream.LoadBalancerContext.NONE, true);
  }

  static Exchange start(UpstreamCluster cluster, EventLoop loop, FullHttpRequest request, HttpProtocol downstream,
      LoadBalancerContext context, boolean autoRead) {
    Exchange x = new Exchange(loop, autoRead);
    loop.execute(() -> {
      Host host = cluster.chooseHost(context);
      if (host == null) {
        request.release();
        x.done.completeExceptionally(new IllegalStateException("no host"));
        return;
      }
      x.start(cluster.httpPool(host, loop, downstream).newStream(), request);
    });
    return x;
  }

  /** Listens to a stream the test drives itself. */
  static Exchange attach(UpstreamStream stream, EventLoop loop) {
    Exchange x = new Exchange(loop, true);
    x.stream = stream;
    stream.setListener(x);
    return x;
  }

  static Exchange startOn(HttpConnectionPool pool, EventLoop loop, FullHttpRequest request) {
    Exchange x = new Exchange(loop, true);
    loop.execute(() -> x.start(pool.newStream(), request));
    return x;
  }

  private void start(Future<UpstreamStream> f, FullHttpRequest request) {
    f.addListener((Future<UpstreamStream> s) -> {
      if (!s.isSuccess()) {
        request.release();
        done.completeExceptionally(s.cause());
        head.completeExceptionally(s.cause());
        return;
      }
      stream = s.getNow();
      stream.setListener(this);
      stream.write(request, true);
      stream.read();
    });
  }

  /** Switches to reading continuously. */
  void resumeAutoRead() {
    autoRead = true;
    loop.execute(() -> stream.read());
  }

  /** Resumes step-by-step reading: one read() on the loop. */
  void readMore() {
    loop.execute(() -> stream.read());
  }

  @Override
  public void onResponsePart(HttpObject part) {
    parts++;
    if (part instanceof HttpResponse r) {
      head.complete(r);
    }
    if (part instanceof HttpContent c) {
      ByteBuf b = c.content();
      byte[] bytes = new byte[b.readableBytes()];
      b.readBytes(bytes);
      body.writeBytes(bytes);
      c.release();
    }
    if (part instanceof LastHttpContent last) {
      trailers = last.trailingHeaders();
      done.complete(this);
      return;
    }
    if (autoRead) {
      stream.read();
    }
  }

  @Override
  public void onFailure(UpstreamFailure failure) {
    head.completeExceptionally(failure);
    done.completeExceptionally(failure);
  }

  @Override
  public void onWritabilityChanged(boolean writable) {}

  int status() {
    return head.join().status().code();
  }

  String text() {
    return body.toString(StandardCharsets.UTF_8);
  }
}
