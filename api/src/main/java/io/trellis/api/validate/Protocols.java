package io.trellis.api.validate;

import java.util.Locale;
import java.util.Set;

/** Istio's port protocol names (case-insensitive) and their families. */
public final class Protocols {

  private static final Set<String> KNOWN =
      Set.of("TCP", "UDP", "GRPC", "GRPC-WEB", "HTTP", "HTTP_PROXY", "HTTP2", "HTTPS", "TLS", "MONGO", "REDIS", "MYSQL");
  private static final Set<String> HTTP = Set.of("HTTP", "HTTP2", "GRPC", "GRPC-WEB", "HTTP_PROXY");
  private static final Set<String> TLS = Set.of("HTTPS", "TLS");

  private Protocols() {}

  public static boolean isKnown(String protocol) {
    return KNOWN.contains(protocol.toUpperCase(Locale.ROOT));
  }

  public static boolean isHttp(String protocol) {
    return HTTP.contains(protocol.toUpperCase(Locale.ROOT));
  }

  public static boolean isTls(String protocol) {
    return TLS.contains(protocol.toUpperCase(Locale.ROOT));
  }

  /** Everything but HTTP-family and UDP is carried as TCP. */
  public static boolean isTcp(String protocol) {
    String p = protocol.toUpperCase(Locale.ROOT);
    return KNOWN.contains(p) && !HTTP.contains(p) && !p.equals("UDP");
  }

  /** {@code null} for a known protocol or the empty string (sniffing), else the message. */
  static String check(String protocol) {
    return protocol.isEmpty() || isKnown(protocol) ? null : "unsupported protocol: " + protocol;
  }

  static final String EXPECTED = "HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, HTTP_PROXY, TLS, TCP, UDP, MONGO, REDIS, MYSQL";
}
