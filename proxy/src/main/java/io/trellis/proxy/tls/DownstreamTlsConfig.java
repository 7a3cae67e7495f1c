package io.trellis.proxy.tls;

import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's {@code DownstreamTlsContext} as a filter chain's {@code transport_socket}: the certificates
 * to present (inline, or secrets by name), how to validate client certificates (inline, a secret, or
 * both combined), ALPN, protocol parameters and whether a client certificate is required (mutual TLS).
 *
 * @param certificates inline {@code tls_certificates}
 * @param certificateSecrets {@code tls_certificate_sds_secret_configs}
 * @param validation the inline {@code validation_context} (or a combined context's default), or {@code null}
 * @param validationSecret {@code validation_context_sds_secret_config}, or {@code null}
 * @param alpnProtocols what the server selects from, in preference order; empty negotiates none
 */
public record DownstreamTlsConfig(
    List<TlsCertificate> certificates,
    List<SecretRef> certificateSecrets,
    CertificateValidation validation,
    SecretRef validationSecret,
    List<String> alpnProtocols,
    TlsParameters parameters,
    boolean requireClientCertificate) {

  public DownstreamTlsConfig {
    certificates = List.copyOf(certificates);
    certificateSecrets = List.copyOf(certificateSecrets);
    alpnProtocols = List.copyOf(alpnProtocols);
    parameters = parameters == null ? TlsParameters.DEFAULTS : parameters;
    if (certificates.isEmpty() && certificateSecrets.isEmpty()) {
      throw new IllegalArgumentException(
          "common_tls_context: no certificate (expected: tls_certificates or tls_certificate_sds_secret_configs)");
    }
    if (certificates.size() + certificateSecrets.size() > 1) {
      throw new IllegalArgumentException("common_tls_context: " + (certificates.size() + certificateSecrets.size())
          + " certificates (expected: one; choosing among RSA and ECDSA certificates is not supported)");
    }
    for (int i = 0; i < alpnProtocols.size(); i++) {
      if (alpnProtocols.get(i).isEmpty()) {
        throw new IllegalArgumentException("common_tls_context.alpn_protocols[" + i + "]: '' (expected: non-empty)");
      }
    }
    boolean hasCa = validationSecret != null || validation != null && validation.trustedCaPem() != null;
    if (requireClientCertificate && !hasCa) {
      throw new IllegalArgumentException(
          "require_client_certificate: true without a trusted_ca (expected: a validation context to verify client certificates against)");
    }
    if (!hasCa && validation != null && !validation.subjectAltNames().isEmpty()) {
      throw new IllegalArgumentException(
          "validation_context.match_typed_subject_alt_names: set without trusted_ca (expected: a CA to verify them against)");
    }
  }

  /** Every secret this context names. */
  public List<SecretRef> secretRefs() {
    List<SecretRef> out = new ArrayList<>(certificateSecrets);
    if (validationSecret != null) {
      out.add(validationSecret);
    }
    return out;
  }
}
