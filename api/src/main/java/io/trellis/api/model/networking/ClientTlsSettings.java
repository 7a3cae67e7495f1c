package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import java.util.List;

/** Istio's {@code ClientTLSSettings}: TLS from a proxy to an upstream. */
public record ClientTlsSettings(
    TlsMode mode,
    String clientCertificate,
    String privateKey,
    String caCertificates,
    String credentialName,
    List<String> subjectAltNames,
    String sni,
    Boolean insecureSkipVerify,
    String caCrl) {
  public ClientTlsSettings {
    subjectAltNames = Frozen.list(subjectAltNames);
  }


  public enum TlsMode {
    DISABLE,
    SIMPLE,
    MUTUAL,
    ISTIO_MUTUAL
  }
}
