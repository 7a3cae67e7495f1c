package io.trellis.proxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Parses and checks PEM key material before it is accepted, so that a bad certificate or key is
 * rejected with the field that holds it (and an update NACKed) instead of failing handshakes later.
 */
public final class PemMaterial {
  private PemMaterial() {}

  /** The TLS engine every context uses: BoringSSL through netty-tcnative when present, else the JDK's. */
  static SslProvider provider() {
    return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /** The X.509 certificates in {@code pem}, in order; throws naming {@code field} when there are none or one is bad. */
  public static List<X509Certificate> certificates(String pem, String field) {
    if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
      throw new IllegalArgumentException(field + ": no PEM certificate (expected: -----BEGIN CERTIFICATE----- blocks)");
    }
    try {
      List<X509Certificate> out = new ArrayList<>();
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (var c : factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new IllegalArgumentException(field + ": no PEM certificate (expected: -----BEGIN CERTIFICATE----- blocks)");
      }
      return out;
    } catch (CertificateException e) {
      throw new IllegalArgumentException(field + ": cannot parse the PEM certificates: " + e.getMessage(), e);
    }
  }

  /**
   * Checks that the chain parses, the key parses and the two belong together (by building a server
   * context from them); throws naming the field at fault.
   */
  public static void checkKeyPair(TlsCertificate certificate, String at) {
    certificates(certificate.certificateChainPem(), at + "certificate_chain");
    String key = certificate.privateKeyPem();
    if (!key.contains("-----BEGIN") || !key.contains("PRIVATE KEY-----")) {
      throw new IllegalArgumentException(at + "private_key: no PEM private key (expected: a -----BEGIN PRIVATE KEY----- block)");
    }
    SslContext server;
    try {
      server = SslContextBuilder.forServer(stream(certificate.certificateChainPem()), stream(key)).sslProvider(provider()).build();
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException(at + "private_key: " + rootMessage(e)
          + " (expected: an unencrypted PEM key that matches the certificate_chain's leaf)", e);
    }
    // Building a context does not prove the key signs for the certificate (the engine loads key material
    // per connection), so complete one handshake in memory: the client verifies the server's signature.
    try {
      HandshakeProbe.run(server);
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException(at + "private_key: a handshake with it fails (" + rootMessage(e)
          + ") (expected: an unencrypted PEM key that matches the certificate_chain's leaf)", e);
    }
  }

  static ByteArrayInputStream stream(String pem) {
    return new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII));
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return m == null ? root.getClass().getSimpleName() : m;
  }
}
