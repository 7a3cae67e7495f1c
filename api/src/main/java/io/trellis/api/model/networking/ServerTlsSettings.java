package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import java.util.List;

/** Istio's {@code ServerTLSSettings}: TLS on a Gateway server or a Sidecar ingress listener. */
public record ServerTlsSettings(
    boolean httpsRedirect,
    TlsMode mode,
    String serverCertificate,
    String privateKey,
    String caCertificates,
    String caCrl,
    String credentialName,
    List<String> credentialNames,
    List<TlsCertificate> tlsCertificates,
    List<String> subjectAltNames,
    List<String> verifyCertificateSpki,
    List<String> verifyCertificateHash,
    TlsProtocol minProtocolVersion,
    TlsProtocol maxProtocolVersion,
    List<String> cipherSuites) {
  public ServerTlsSettings {
    credentialNames = Frozen.list(credentialNames);
    tlsCertificates = Frozen.list(tlsCertificates);
    subjectAltNames = Frozen.list(subjectAltNames);
    verifyCertificateSpki = Frozen.list(verifyCertificateSpki);
    verifyCertificateHash = Frozen.list(verifyCertificateHash);
    cipherSuites = Frozen.list(cipherSuites);
  }


  public enum TlsMode {
    PASSTHROUGH,
    SIMPLE,
    MUTUAL,
    AUTO_PASSTHROUGH,
    ISTIO_MUTUAL,
    OPTIONAL_MUTUAL
  }

  public enum TlsProtocol {
    TLS_AUTO,
    TLSV1_0,
    TLSV1_1,
    TLSV1_2,
    TLSV1_3
  }

  /** One certificate among several served (for example RSA and ECDSA). */
  public record TlsCertificate(String serverCertificate, String privateKey, String caCertificates) {}
}
