package io.trellis.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One TLS handshake between a server context and a JDK client, entirely in memory. The client trusts
 * any chain (only the key is being proven) but verifies the server's handshake signature against the
 * leaf certificate, so a key that does not belong to the certificate fails here, at configuration time.
 */
final class HandshakeProbe {
  private static final int MAX_ROUNDS = 20;

  private HandshakeProbe() {}

  static void run(SslContext server) throws SSLException {
    SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
    try {
      SSLEngine c = client();
      c.beginHandshake();
      s.beginHandshake();
      int size = Math.max(c.getSession().getPacketBufferSize(), s.getSession().getPacketBufferSize());
      ByteBuffer c2s = ByteBuffer.allocate(size * 4);
      ByteBuffer s2c = ByteBuffer.allocate(size * 4);
      ByteBuffer app = ByteBuffer.allocate(Math.max(c.getSession().getApplicationBufferSize(), s.getSession().getApplicationBufferSize()) * 2);
      for (int round = 0; round < MAX_ROUNDS; round++) {
        pump(c, s, c2s, app);
        pump(s, c, s2c, app);
        if (c.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
          return;
        }
      }
      throw new SSLException("handshake did not complete");
    } finally {
      ReferenceCountUtil.release(s);
    }
  }

  private static SSLEngine client() throws SSLException {
    try {
      SSLContext jdk = SSLContext.getInstance("TLS");
      jdk.init(null, new TrustManager[] {new AnyChain()}, null);
      SSLEngine c = jdk.createSSLEngine();
      c.setUseClientMode(true);
      return c;
    } catch (GeneralSecurityException e) {
      throw new SSLException("cannot create a JDK TLS client: " + e.getMessage(), e);
    }
  }

  private static void pump(SSLEngine from, SSLEngine to, ByteBuffer net, ByteBuffer app) throws SSLException {
    ByteBuffer empty = ByteBuffer.allocate(0);
    for (int i = 0; i < MAX_ROUNDS && from.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
      from.wrap(empty, net);
      runTasks(from);
    }
    net.flip();
    for (int i = 0; i < MAX_ROUNDS && net.hasRemaining(); i++) {
      app.clear();
      SSLEngineResult r = to.unwrap(net, app);
      runTasks(to);
      if (r.getStatus() != SSLEngineResult.Status.OK) {
        break;
      }
    }
    net.compact();
  }

  private static void runTasks(SSLEngine engine) {
    Runnable task;
    while ((task = engine.getDelegatedTask()) != null) {
      task.run();
    }
  }

  /** Trusts every chain: the probe tests the server's key, not who issued its certificate. */
  private static final class AnyChain implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
