package io.trellis.proxy.upstream;

import io.netty.channel.EventLoop;
import io.trellis.proxy.config.cluster.UpstreamProtocolSelection;

/**
 * The pools of one host on one event loop, one per protocol the cluster may speak. Created on first
 * use by the loop and touched only by it afterwards.
 */
final class LoopPools {
  private final EventLoop loop;
  private final UpstreamProtocolSelection selection;
  private final Http1ConnectionPool http1;
  private final Http2ConnectionPool http2;
  private final AlpnConnectionPool alpn;

  LoopPools(EventLoop loop, UpstreamHost host, PoolContext ctx, UpstreamProtocolSelection selection) {
    this.loop = loop;
    this.selection = selection;
    this.http1 = new Http1ConnectionPool(loop, host, ctx);
    this.http2 = new Http2ConnectionPool(loop, host, ctx);
    // ALPN needs TLS; Envoy's auto_config over plaintext speaks HTTP/1.1.
    this.alpn = selection == UpstreamProtocolSelection.AUTO && ctx.connector().tls()
        ? new AlpnConnectionPool(loop, host, ctx, http1, http2) : null;
  }

  EventLoop loop() {
    return loop;
  }

  HttpConnectionPool pool(HttpProtocol downstream) {
    return switch (selection) {
      case HTTP1 -> http1;
      case HTTP2 -> http2;
      case AUTO -> alpn != null ? alpn : http1;
      case USE_DOWNSTREAM -> downstream == HttpProtocol.HTTP_2 ? http2 : http1;
    };
  }

  Http1ConnectionPool http1() {
    return http1;
  }

  Http2ConnectionPool http2() {
    return http2;
  }

  void drain() {
    http1.drain();
    http2.drain();
  }
}
