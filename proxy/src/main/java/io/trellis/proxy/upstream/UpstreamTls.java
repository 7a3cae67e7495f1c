package io.trellis.proxy.upstream;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.trellis.proxy.config.cluster.UpstreamTlsConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The TLS a cluster originates: one {@link SslContext} per cluster configuration (building one parses
 * keys and certificates, so it happens when the cluster is compiled, never per connection), plus the
 * subject-alt-name check Envoy's {@code match_typed_subject_alt_names} asks for.
 */
final class UpstreamTls {
  final SslContext context;
  final String sni;
  private final List<String> subjectAltNames;

  private UpstreamTls(SslContext context, String sni, List<String> subjectAltNames) {
    this.context = context;
    this.sni = sni;
    this.subjectAltNames = subjectAltNames;
  }

  /**
   * @param alpn protocols to offer; empty offers none
   */
  static UpstreamTls create(UpstreamTlsConfig config, List<String> alpn) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient()
          .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
      if (config.trustedCaPem() == null) {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else {
        b.trustManager(pem(config.trustedCaPem()));
      }
      if (config.certificateChainPem() != null) {
        b.keyManager(pem(config.certificateChainPem()), pem(config.privateKeyPem()));
      }
      if (!alpn.isEmpty()) {
        b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
      }
      return new UpstreamTls(b.build(), config.sni(), config.subjectAltNames());
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException("transport_socket.typed_config: " + e.getMessage()
          + " (expected: PEM certificates and key that parse)", e);
    }
  }

  /** The ALPN list for a cluster: its own when configured, else what the protocol selection needs. */
  static List<String> alpnFor(UpstreamTlsConfig config, boolean offerH2, boolean offerHttp1) {
    if (!config.alpnProtocols().isEmpty()) {
      return config.alpnProtocols();
    }
    if (offerH2 && offerHttp1) {
      return List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
    }
    return offerH2 ? List.of(ApplicationProtocolNames.HTTP_2) : List.of();
  }

  /** Checks the peer certificate's SANs; a mismatch fails the connection like a handshake failure. */
  void verifyPeer(SSLSession session) throws SSLPeerUnverifiedException {
    if (subjectAltNames.isEmpty()) {
      return;
    }
    Certificate[] chain = session.getPeerCertificates();
    if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
      try {
        Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
        if (sans != null) {
          for (List<?> san : sans) {
            Object type = san.get(0);
            if ((Integer.valueOf(2).equals(type) || Integer.valueOf(6).equals(type))
                && subjectAltNames.contains(String.valueOf(san.get(1)))) {
              return;
            }
          }
        }
      } catch (CertificateParsingException e) {
        throw new SSLPeerUnverifiedException("peer certificate: " + e.getMessage());
      }
    }
    throw new SSLPeerUnverifiedException(
        "peer certificate: no subject alt name matches " + subjectAltNames);
  }

  private static ByteArrayInputStream pem(String text) {
    return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
  }
}
