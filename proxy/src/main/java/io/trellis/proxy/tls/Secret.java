package io.trellis.proxy.tls;

import java.util.Objects;

/**
 * Envoy's {@code extensions.transport_sockets.tls.v3.Secret}, of the two kinds a TLS context can name:
 * a certificate with its key, or a validation context. Exactly one of them is set.
 */
public record Secret(String name, TlsCertificate certificate, CertificateValidation validation) {
  public Secret {
    Objects.requireNonNull(name, "name");
    if ((certificate == null) == (validation == null)) {
      throw new IllegalArgumentException("type: expected exactly one of tls_certificate or validation_context");
    }
  }

  public static Secret of(String name, TlsCertificate certificate) {
    return new Secret(name, certificate, null);
  }

  public static Secret of(String name, CertificateValidation validation) {
    return new Secret(name, null, validation);
  }
}
