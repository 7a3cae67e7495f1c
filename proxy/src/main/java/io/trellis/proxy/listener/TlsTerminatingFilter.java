package io.trellis.proxy.listener;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.trellis.proxy.http.ConnectionInfo;
import io.trellis.proxy.network.Drainable;
import io.trellis.proxy.network.NetworkFilter;
import io.trellis.proxy.stats.Counter;
import io.trellis.proxy.stats.StatsStore;
import io.trellis.proxy.tls.DownstreamTlsConfig;
import io.trellis.proxy.tls.Secrets;
import io.trellis.proxy.tls.ServerTlsContext;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLSession;

/**
 * A filter chain's {@code envoy.transport_sockets.tls}: terminates TLS, then hands the decrypted
 * connection to the chain's network filter with what the handshake decided — scheme https and the
 * negotiated ALPN protocol (so an AUTO connection manager speaks HTTP/2 when the client chose h2).
 *
 * <p>The server context is swapped when a secret rotates; each connection uses the one current when it
 * was accepted, so open connections are untouched and new ones present the new certificate.
 */
final class TlsTerminatingFilter implements NetworkFilter {
  private final String at;
  private final DownstreamTlsConfig config;
  private final NetworkFilter inner;
  private final StatsStore stats;
  private final String statPrefix;
  private volatile ServerTlsContext context;
  private volatile Counters counters;

  /** Envoy's per-listener {@code ssl.*} counters, named by the bound port once it is known. */
  private record Counters(int port, Counter handshake, Counter connectionError) {}

  /**
   * @param statPrefix {@code listener.<address>_}: the bound port completes it, as in the listener's own stats
   */
  TlsTerminatingFilter(String at, DownstreamTlsConfig config, NetworkFilter inner, StatsStore stats, String statPrefix) {
    this.at = at;
    this.config = config;
    this.inner = inner;
    this.stats = stats;
    this.statPrefix = statPrefix;
  }

  private Counters counters(int port) {
    Counters c = counters;
    if (c == null || c.port != port) {
      String prefix = statPrefix + port + ".ssl.";
      c = new Counters(port, stats.counter(prefix + "handshake"), stats.counter(prefix + "connection_error"));
      counters = c;
    }
    return c;
  }

  /** Builds the context from {@code secrets} (throwing with the chain's path), for new connections. */
  void useSecrets(Secrets secrets) {
    this.context = build(secrets);
  }

  /** Builds without installing: to check an update before committing to it. */
  ServerTlsContext build(Secrets secrets) {
    try {
      return ServerTlsContext.build(config, secrets);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ".transport_socket: " + e.getMessage(), e);
    }
  }

  void use(ServerTlsContext next) {
    this.context = next;
  }

  @Override
  public Drainable install(Channel ch, ConnectionInfo info, String applicationProtocol) {
    SslHandler ssl = context.newHandler(ch.alloc());
    Handshake handshake = new Handshake(ssl, info, counters(info.localAddress().getPort()));
    ch.pipeline().addLast("tls", ssl);
    ch.pipeline().addLast("tls-handshake", handshake);
    // Auto-read is off: ask for the ClientHello; the SSL handler keeps reading until the handshake ends.
    ch.read();
    return handshake;
  }

  /** Waits for the handshake, then installs the chain's filter; a drain asked for meanwhile applies to it. */
  private final class Handshake extends ChannelInboundHandlerAdapter implements Drainable {
    private final SslHandler ssl;
    private final ConnectionInfo info;
    private final Counters counters;
    private volatile Drainable installed;
    private volatile boolean drainRequested;
    private final AtomicBoolean drainDelivered = new AtomicBoolean();

    Handshake(SslHandler ssl, ConnectionInfo info, Counters counters) {
      this.ssl = ssl;
      this.info = info;
      this.counters = counters;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (!(evt instanceof SslHandshakeCompletionEvent done)) {
        super.userEventTriggered(ctx, evt);
        return;
      }
      if (!done.isSuccess()) {
        counters.connectionError().inc();
        ctx.close();
        return;
      }
      counters.handshake().inc();
      ctx.pipeline().remove(this);
      String alpn = ssl.applicationProtocol();
      ConnectionInfo secured = new ConnectionInfo(
          info.listenerName(), info.remoteAddress(), info.localAddress(), info.originalDestination(),
          info.serverName().isEmpty() ? requestedServerName(ssl.engine().getSession()) : info.serverName(),
          "tls", true);
      installed = inner.install(ctx.channel(), secured, alpn == null ? "" : alpn);
      deliverDrain();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A failed handshake (bad client certificate, no shared cipher, plain text on a TLS port) ends
      // here; the completion event counts it. Nothing else can be done for the connection.
      ctx.close();
    }

    @Override
    public void drain() {
      // Still in its handshake: let it finish and drain the filter it gets (HTTP/1.1 answers with
      // Connection: close, HTTP/2 sends GOAWAY), as Envoy lets a draining connection complete; the
      // listener's drain timer closes it if it takes too long.
      drainRequested = true;
      deliverDrain();
    }

    /** Drains the installed filter once, whichever of the drain and the handshake came last. */
    private void deliverDrain() {
      Drainable d = installed;
      if (d != null && drainRequested && drainDelivered.compareAndSet(false, true)) {
        d.drain();
      }
    }
  }

  private static String requestedServerName(SSLSession session) {
    if (session instanceof ExtendedSSLSession extended) {
      try {
        List<SNIServerName> names = extended.getRequestedServerNames();
        for (SNIServerName n : names) {
          if (n instanceof SNIHostName host) {
            return host.getAsciiName().toLowerCase(java.util.Locale.ROOT);
          }
        }
      } catch (UnsupportedOperationException e) {
        return "";
      }
    }
    return "";
  }
}
