package io.trellis.proxy.tls;

import java.util.Objects;

/**
 * Envoy's {@code TlsCertificate}: a PEM certificate chain (leaf first) and its PEM private key.
 * {@link #toString()} never shows the key, so logs and error messages cannot leak it.
 */
public record TlsCertificate(String certificateChainPem, String privateKeyPem) {
  public TlsCertificate {
    Objects.requireNonNull(certificateChainPem, "certificate_chain");
    Objects.requireNonNull(privateKeyPem, "private_key");
  }

  @Override
  public String toString() {
    return "TlsCertificate[certificate_chain=" + certificateChainPem.length() + " chars, private_key=[redacted]]";
  }
}
