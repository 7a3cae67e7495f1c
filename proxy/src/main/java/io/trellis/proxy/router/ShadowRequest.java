package io.trellis.proxy.router;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.trellis.proxy.upstream.Host;
import io.trellis.proxy.upstream.HttpProtocol;
import io.trellis.proxy.upstream.UpstreamCluster;
import io.trellis.proxy.upstream.UpstreamFailure;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A fire-and-forget copy of a request to a mirror cluster ({@code request_mirror_policies}). Its
 * response is read and thrown away. It is coupled to the primary request in one direction only: it
 * receives the primary's body parts. It never pushes back: when the shadow upstream is not writable,
 * or the body outgrows the buffer bound, the shadow is abandoned rather than the primary slowed.
 */
final class ShadowRequest implements UpstreamRequest.Owner {
  private final UpstreamRequest attempt;
  private final ClusterStats stats;
  private final long limitBytes;
  private long bytes;
  private ScheduledFuture<?> timer;
  private boolean done;

  private ShadowRequest(Host host, HttpRequest headers, ClusterStats stats, long limitBytes) {
    this.attempt = new UpstreamRequest(this, host, headers);
    this.stats = stats;
    this.limitBytes = limitBytes;
  }

  /**
   * Starts a shadow of {@code request} (already rewritten for the primary) to {@code cluster}, or
   * returns {@code null} when the cluster has no host. The copy's authority gets Envoy's
   * {@code -shadow} suffix; the shadow is abandoned after {@code timeout} (zero: never).
   */
  static ShadowRequest start(UpstreamCluster cluster, HttpRequest request, boolean endStream, EventLoop loop,
      HttpProtocol protocol, ClusterStats stats, Duration timeout, int limitBytes, boolean keepAuthority) {
    Host host = cluster.chooseHost(io.trellis.proxy.upstream.LoadBalancerContext.NONE);
    if (host == null) {
      return null;
    }
    HttpRequest copy = new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(),
        request.headers().copy());
    String authority = copy.headers().get(HttpHeaderNames.HOST);
    if (authority != null && !keepAuthority) {
      copy.headers().set(HttpHeaderNames.HOST, shadowAuthority(authority));
    }
    ShadowRequest shadow = new ShadowRequest(host, copy, stats, limitBytes);
    stats.rqTotal.inc();
    if (endStream) {
      shadow.attempt.send(LastHttpContent.EMPTY_LAST_CONTENT);
    }
    shadow.attempt.start(cluster.httpPool(host, loop, protocol));
    if (!timeout.isZero() && !shadow.done) {
      shadow.timer = loop.schedule(shadow::abandon, timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    return shadow;
  }

  /** Envoy's rule: {@code host-shadow}, with any port kept after the suffix. */
  static String shadowAuthority(String authority) {
    int colon = authority.lastIndexOf(':');
    if (colon > 0 && authority.indexOf(']') < colon) {
      return authority.substring(0, colon) + "-shadow" + authority.substring(colon);
    }
    return authority + "-shadow";
  }

  /** Passes one body part on (takes ownership); abandons the shadow rather than buffer past the bound. */
  void send(HttpContent part) {
    if (done) {
      part.release();
      return;
    }
    bytes += part.content().readableBytes();
    if (bytes > limitBytes || attempt.connected() && !attempt.writable()) {
      part.release();
      abandon();
      return;
    }
    attempt.send(part);
  }

  /** Gives up on the shadow (the primary request went away early, the body was too large, or time ran out). */
  void abandon() {
    if (!done) {
      finish();
      attempt.reset();
    }
  }

  boolean done() {
    return done;
  }

  private void finish() {
    done = true;
    if (timer != null) {
      timer.cancel(false);
    }
  }

  @Override
  public void onUpstreamPart(UpstreamRequest a, HttpObject part) {
    if (part instanceof HttpResponse r) {
      stats.responseCode(r.status().code());
    }
    boolean last = part instanceof LastHttpContent;
    ReferenceCountUtil.release(part);
    if (last) {
      finish();
    } else {
      a.read();
    }
  }

  @Override
  public void onUpstreamFailure(UpstreamRequest a, UpstreamFailure failure) {
    finish();
  }

  @Override
  public void onUpstreamWritabilityChanged(boolean writable) {
    // never paces the primary: send() drops the shadow instead
  }
}
