package io.trellis.proxy.config.cluster;

import java.util.List;
import java.util.Objects;

/**
 * TLS this proxy originates to a cluster's hosts (Envoy's {@code UpstreamTlsContext}). Key material
 * arrives as PEM text, whatever its source (inline, file, SDS), so the runtime never reads files.
 *
 * @param sni {@code sni}: the server name sent; empty sends none
 * @param alpnProtocols {@code common_tls_context.alpn_protocols}; for an ALPN-auto cluster the pool
 *     offers {@code h2, http/1.1} when this is empty
 * @param trustedCaPem {@code validation_context.trusted_ca}; {@code null} means the server's
 *     certificate is not verified (Envoy's behaviour without a validation context)
 * @param subjectAltNames {@code validation_context.match_typed_subject_alt_names} as exact DNS or URI
 *     values; empty accepts any name the trusted CA signed
 * @param certificateChainPem client certificate chain for mutual TLS, or {@code null}
 * @param privateKeyPem the client certificate's private key, or {@code null}
 */
public record UpstreamTlsConfig(
    String sni,
    List<String> alpnProtocols,
    String trustedCaPem,
    List<String> subjectAltNames,
    String certificateChainPem,
    String privateKeyPem) {

  public UpstreamTlsConfig {
    Objects.requireNonNull(sni, "sni");
    alpnProtocols = List.copyOf(alpnProtocols);
    subjectAltNames = List.copyOf(subjectAltNames);
    for (int i = 0; i < alpnProtocols.size(); i++) {
      if (alpnProtocols.get(i).isEmpty()) {
        throw new IllegalArgumentException("common_tls_context.alpn_protocols[" + i + "]: '' (expected: non-empty)");
      }
    }
    if ((certificateChainPem == null) != (privateKeyPem == null)) {
      throw new IllegalArgumentException("common_tls_context.tls_certificates: "
          + (certificateChainPem == null ? "private_key without certificate_chain" : "certificate_chain without private_key")
          + " (expected: both or neither)");
    }
    if (trustedCaPem == null && !subjectAltNames.isEmpty()) {
      throw new IllegalArgumentException("validation_context.match_typed_subject_alt_names: " + subjectAltNames
          + " (expected: a trusted_ca to verify them against)");
    }
  }
}
