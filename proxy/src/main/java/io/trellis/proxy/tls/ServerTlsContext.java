package io.trellis.proxy.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * A {@link DownstreamTlsConfig} with its secrets resolved, compiled into a server {@link SslContext}.
 * Building parses keys and certificates, so it happens when configuration or a secret changes, never
 * per connection; handlers for new connections come from whichever context is current.
 */
public final class ServerTlsContext {
  private final SslContext context;

  private ServerTlsContext(SslContext context) {
    this.context = context;
  }

  /** The secrets {@code config} names that {@code secrets} does not hold yet. */
  public static List<SecretRef> missing(DownstreamTlsConfig config, Secrets secrets) {
    List<SecretRef> out = new ArrayList<>();
    for (SecretRef ref : config.secretRefs()) {
      if (secrets.find(ref) == null) {
        out.add(ref);
      }
    }
    return out;
  }

  /**
   * Builds the context; throws {@link IllegalArgumentException} naming the field or secret at fault
   * (a missing secret included: check {@link #missing} first to wait for it instead).
   */
  public static ServerTlsContext build(DownstreamTlsConfig config, Secrets secrets) {
    TlsCertificate certificate;
    String certAt;
    if (!config.certificates().isEmpty()) {
      certificate = config.certificates().getFirst();
      certAt = "common_tls_context.tls_certificates[0].";
    } else {
      SecretRef ref = config.certificateSecrets().getFirst();
      Secret s = require(secrets, ref, "common_tls_context.tls_certificate_sds_secret_configs[0]");
      if (s.certificate() == null) {
        throw new IllegalArgumentException("common_tls_context.tls_certificate_sds_secret_configs[0]: " + ref
            + " is a validation_context (expected: a tls_certificate)");
      }
      certificate = s.certificate();
      certAt = ref + ": tls_certificate.";
    }
    CertificateValidation validation = config.validation();
    String validationAt = "common_tls_context.validation_context.";
    if (config.validationSecret() != null) {
      Secret s = require(secrets, config.validationSecret(), "common_tls_context.validation_context_sds_secret_config");
      if (s.validation() == null) {
        throw new IllegalArgumentException("common_tls_context.validation_context_sds_secret_config: " + config.validationSecret()
            + " is a tls_certificate (expected: a validation_context)");
      }
      validation = s.validation().over(config.validation());
      validationAt = config.validationSecret() + ": validation_context.";
    }
    SslContextBuilder b;
    try {
      b = SslContextBuilder.forServer(PemMaterial.stream(certificate.certificateChainPem()), PemMaterial.stream(certificate.privateKeyPem()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(certAt + "private_key: " + PemMaterial.rootMessage(e), e);
    }
    b.sslProvider(PemMaterial.provider()).protocols(config.parameters().protocols());
    List<String> ciphers = config.parameters().cipherSuites();
    if (!ciphers.isEmpty()) {
      b.ciphers(ciphers);
    }
    if (!config.alpnProtocols().isEmpty()) {
      // No overlap with what the client offers: go on without ALPN, as Envoy (BoringSSL) does.
      b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, config.alpnProtocols()));
    }
    if (validation != null && validation.trustedCaPem() != null) {
      List<X509Certificate> cas = PemMaterial.certificates(validation.trustedCaPem(), validationAt + "trusted_ca");
      b.trustManager(trustManager(cas, validation.subjectAltNames()));
      b.clientAuth(config.requireClientCertificate() ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
    } else {
      b.clientAuth(ClientAuth.NONE);
    }
    try {
      return new ServerTlsContext(b.build());
    } catch (SSLException | RuntimeException e) {
      throw new IllegalArgumentException(certAt + "certificate_chain/private_key: " + PemMaterial.rootMessage(e)
          + " (expected: PEM certificates and an unencrypted key that match)", e);
    }
  }

  private static Secret require(Secrets secrets, SecretRef ref, String field) {
    Secret s = secrets.find(ref);
    if (s == null) {
      throw new IllegalArgumentException(field + ": " + ref + " is not "
          + (ref.ads() ? "available yet" : "in static_resources.secrets") + " (expected: a secret of that name)");
    }
    return s;
  }

  private static TrustManager trustManager(List<X509Certificate> cas, List<SubjectAltNameMatcher> sans) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < cas.size(); i++) {
        store.setCertificateEntry("ca-" + i, cas.get(i));
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(store);
      for (TrustManager tm : factory.getTrustManagers()) {
        if (tm instanceof X509ExtendedTrustManager x509) {
          return new SubjectAltNameTrustManager(x509, sans);
        }
      }
      throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalArgumentException("validation_context.trusted_ca: " + e.getMessage(), e);
    }
  }

  /** Checks that every cipher suite is one the TLS engine offers; throws naming the first that is not. */
  public static void checkCipherSuites(List<String> suites, String field) {
    List<String> jdk = null;
    for (int i = 0; i < suites.size(); i++) {
      String s = suites.get(i);
      boolean ok;
      if (PemMaterial.provider() == SslProvider.OPENSSL) {
        ok = OpenSsl.isCipherSuiteAvailable(s);
      } else {
        if (jdk == null) {
          try {
            jdk = List.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
          } catch (GeneralSecurityException e) {
            jdk = List.of();
          }
        }
        ok = jdk.contains(s);
      }
      if (!ok) {
        throw new IllegalArgumentException(field + "[" + i + "]: '" + s + "' is not supported by the "
            + (PemMaterial.provider() == SslProvider.OPENSSL ? "BoringSSL (netty-tcnative)" : "JDK")
            + " TLS engine (expected: e.g. ECDHE-ECDSA-AES128-GCM-SHA256, ECDHE-RSA-AES256-GCM-SHA384)");
      }
    }
  }

  public SslHandler newHandler(ByteBufAllocator alloc) {
    return context.newHandler(alloc);
  }
}
