package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;

import io.trellis.api.model.networking.ServerTlsSettings;
import io.trellis.api.model.networking.ServerTlsSettings.TlsMode;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/** Istio's rules for server-side TLS (Gateway servers and Sidecar ingress listeners). */
final class ServerTlsValidator {

  /** The cipher suite names Envoy's BoringSSL accepts. */
  private static final Set<String> CIPHERS =
      Set.of(
          "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
          "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
          "ECDHE-PSK-CHACHA20-POLY1305", "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-PSK-AES128-CBC-SHA",
          "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA", "ECDHE-PSK-AES256-CBC-SHA", "AES128-GCM-SHA256",
          "AES256-GCM-SHA384", "AES128-SHA", "PSK-AES128-CBC-SHA", "AES256-SHA", "PSK-AES256-CBC-SHA", "DES-CBC3-SHA",
          "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  private ServerTlsValidator() {}

  static void validate(ServerTlsSettings tls, String at, Findings f) {
    if (tls == null) {
      return;
    }
    if ((tls.minProtocolVersion() == ServerTlsSettings.TlsProtocol.TLSV1_0
            || tls.minProtocolVersion() == ServerTlsSettings.TlsProtocol.TLSV1_1)
        && tls.cipherSuites().isEmpty()) {
      f.warning(field(at, "minProtocolVersion"),
          "TLS version below TLSV1_2 require setting compatible ciphers as by default they no longer include compatible ciphers.");
    }
    Set<String> invalid = new TreeSet<>();
    Set<String> duplicate = new TreeSet<>();
    Set<String> valid = new HashSet<>();
    for (String cs : tls.cipherSuites()) {
      if (!CIPHERS.contains(cs)) {
        invalid.add(cs);
      } else if (!valid.add(cs)) {
        duplicate.add(cs);
      }
    }
    if (!invalid.isEmpty()) {
      f.warning(field(at, "cipherSuites"), "ignoring invalid cipher suites: " + invalid);
    }
    if (!duplicate.isEmpty()) {
      f.warning(field(at, "cipherSuites"), "ignoring duplicate cipher suites: " + duplicate);
    }
    if (tls.mode() == TlsMode.ISTIO_MUTUAL) {
      if (!tls.serverCertificate().isEmpty()) {
        f.error(field(at, "serverCertificate"), "ISTIO_MUTUAL TLS cannot have associated server certificate");
      }
      if (!tls.privateKey().isEmpty()) {
        f.error(field(at, "privateKey"), "ISTIO_MUTUAL TLS cannot have associated private key");
      }
      if (!tls.caCertificates().isEmpty()) {
        f.error(field(at, "caCertificates"), "ISTIO_MUTUAL TLS cannot have associated CA bundle");
      }
      if (!tls.credentialName().isEmpty()) {
        f.error(field(at, "credentialName"), "ISTIO_MUTUAL TLS cannot have associated credentialName");
      }
      return;
    }
    boolean credentials = !tls.credentialName().isEmpty() || !tls.credentialNames().isEmpty();
    if ((tls.mode() == TlsMode.PASSTHROUGH || tls.mode() == TlsMode.AUTO_PASSTHROUGH)
        && (!tls.caCrl().isEmpty() || !tls.serverCertificate().isEmpty() || !tls.privateKey().isEmpty()
            || !tls.caCertificates().isEmpty() || credentials)) {
      f.warning(field(at, "mode"), tls.mode() + " mode does not use certificates, they will be ignored");
    }
    boolean simple = tls.mode() == TlsMode.SIMPLE;
    boolean mutual = tls.mode() == TlsMode.MUTUAL || tls.mode() == TlsMode.OPTIONAL_MUTUAL;
    if ((simple || mutual) && (credentials || !tls.tlsCertificates().isEmpty())) {
      return;
    }
    if (simple) {
      if (tls.serverCertificate().isEmpty()) {
        f.error(field(at, "serverCertificate"), "SIMPLE TLS requires a server certificate");
      }
      if (tls.privateKey().isEmpty()) {
        f.error(field(at, "privateKey"), "SIMPLE TLS requires a private key");
      }
    } else if (mutual) {
      if (tls.serverCertificate().isEmpty()) {
        f.error(field(at, "serverCertificate"), "MUTUAL TLS requires a server certificate");
      }
      if (tls.privateKey().isEmpty()) {
        f.error(field(at, "privateKey"), "MUTUAL TLS requires a private key");
      }
      if (tls.caCertificates().isEmpty()) {
        f.error(field(at, "caCertificates"), "MUTUAL TLS requires a client CA bundle");
      }
    }
    if (!tls.caCrl().isEmpty()) {
      if (!tls.credentialName().isEmpty()) {
        f.error(field(at, "caCrl"), "CRL is not supported with credentialName. CRL has to be specified in the credential");
      }
      if (simple) {
        f.error(field(at, "caCrl"), "CRL is not supported with SIMPLE TLS");
      }
    }
  }
}
