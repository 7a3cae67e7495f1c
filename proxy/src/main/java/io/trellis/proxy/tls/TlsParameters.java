package io.trellis.proxy.tls;

import java.util.List;

/**
 * Envoy's {@code TlsParameters} for a server: the protocol range and the TLS 1.2 cipher suites (OpenSSL
 * names, as Envoy's BoringSSL takes them; TLS 1.3 suites are not configurable, as in Envoy). Envoy's
 * downstream defaults are TLS 1.2 to 1.3 with the provider's default suites.
 *
 * @param minVersion {@code "TLSv1.2"} or {@code "TLSv1.3"}
 * @param maxVersion {@code "TLSv1.2"} or {@code "TLSv1.3"}
 * @param cipherSuites empty for the provider's defaults
 */
public record TlsParameters(String minVersion, String maxVersion, List<String> cipherSuites) {
  public static final String TLS_1_2 = "TLSv1.2";
  public static final String TLS_1_3 = "TLSv1.3";
  public static final TlsParameters DEFAULTS = new TlsParameters(TLS_1_2, TLS_1_3, List.of());

  public TlsParameters {
    cipherSuites = List.copyOf(cipherSuites);
    if (rank(minVersion) > rank(maxVersion)) {
      throw new IllegalArgumentException("tls_params: tls_minimum_protocol_version " + minVersion
          + " is above tls_maximum_protocol_version " + maxVersion + " (expected: minimum <= maximum)");
    }
  }

  private static int rank(String version) {
    return switch (version) {
      case TLS_1_2 -> 2;
      case TLS_1_3 -> 3;
      default -> throw new IllegalArgumentException("tls_params: protocol version " + version + " (expected: TLSv1_2 or TLSv1_3)");
    };
  }

  /** The protocol names to enable, for the TLS engine. */
  public List<String> protocols() {
    if (minVersion.equals(maxVersion)) {
      return List.of(minVersion);
    }
    return List.of(TLS_1_3, TLS_1_2);
  }
}
