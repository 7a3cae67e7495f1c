package io.trellis.proxy.tls;

import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's {@code CertificateValidationContext}, the parts this proxy enforces: the CAs a peer's chain
 * must lead to, and the subject alternative names its leaf must carry (any one matcher suffices).
 *
 * @param trustedCaPem PEM bundle of trusted CAs, or {@code null} when none is set (then nothing is verified)
 * @param subjectAltNames empty accepts any certificate the CAs signed
 */
public record CertificateValidation(String trustedCaPem, List<SubjectAltNameMatcher> subjectAltNames) {
  public static final CertificateValidation NONE = new CertificateValidation(null, List.of());

  public CertificateValidation {
    subjectAltNames = List.copyOf(subjectAltNames);
  }

  /**
   * This (an SDS-delivered context) over the inline {@code default_validation_context} of a
   * {@code combined_validation_context}: a field this one sets wins, lists are joined, as Envoy merges them.
   */
  public CertificateValidation over(CertificateValidation defaults) {
    if (defaults == null) {
      return this;
    }
    List<SubjectAltNameMatcher> sans = new ArrayList<>(defaults.subjectAltNames);
    sans.addAll(subjectAltNames);
    return new CertificateValidation(trustedCaPem != null ? trustedCaPem : defaults.trustedCaPem, sans);
  }
}
