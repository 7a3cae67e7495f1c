package io.trellis.control.registry;

import java.util.Locale;

/**
 * The protocol of a service port, decided the way Istio decides it for explicitly declared ports:
 * Istio's {@code protocol} field, a Kubernetes {@code appProtocol}, or a port name of the form
 * {@code <protocol>} or {@code <protocol>-<suffix>}. A port that declares nothing is {@link
 * #UNKNOWN}; Istio would sniff such a port, Trellis serves it as plain TCP.
 */
public enum ServiceProtocol {
  HTTP,
  HTTP2,
  GRPC,
  GRPC_WEB,
  HTTPS,
  TLS,
  TCP,
  MONGO,
  REDIS,
  MYSQL,
  UDP,
  UNKNOWN;

  /** Parses Istio's protocol names case-insensitively; anything else is {@link #UNKNOWN}. */
  public static ServiceProtocol parse(String value) {
    if (value == null || value.isEmpty()) {
      return UNKNOWN;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "http", "http1.1", "http/1.1" -> HTTP;
      case "http2", "h2c", "kubernetes.io/h2c" -> HTTP2;
      case "grpc" -> GRPC;
      case "grpc-web" -> GRPC_WEB;
      case "https" -> HTTPS;
      case "tls" -> TLS;
      case "tcp" -> TCP;
      case "mongo" -> MONGO;
      case "redis" -> REDIS;
      case "mysql" -> MYSQL;
      case "udp" -> UDP;
      default -> UNKNOWN;
    };
  }

  /** The protocol a port name implies ({@code http}, {@code http-web}, {@code grpc-api}, …). */
  public static ServiceProtocol fromPortName(String name) {
    if (name == null || name.isEmpty()) {
      return UNKNOWN;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    // grpc-web is itself a name with a dash; check it before splitting at the first dash.
    if (lower.equals("grpc-web") || lower.startsWith("grpc-web-")) {
      return GRPC_WEB;
    }
    int dash = lower.indexOf('-');
    return parse(dash < 0 ? lower : lower.substring(0, dash));
  }

  /**
   * A Kubernetes port's protocol: {@code appProtocol} first, then the port name; a UDP port is UDP
   * whatever its name says.
   */
  public static ServiceProtocol forKubernetesPort(String name, String appProtocol, boolean udp) {
    if (udp) {
      return UDP;
    }
    ServiceProtocol byApp = parse(appProtocol);
    return byApp != UNKNOWN ? byApp : fromPortName(name);
  }

  /** Traffic the sidecar terminates as HTTP (an HCM with routes). */
  public boolean isHttp() {
    return this == HTTP || this == HTTP2 || this == GRPC || this == GRPC_WEB;
  }

  /** Traffic that must go upstream over HTTP/2. */
  public boolean isHttp2() {
    return this == HTTP2 || this == GRPC;
  }

  /** TLS the sidecar does not terminate: routed by SNI. */
  public boolean isTls() {
    return this == HTTPS || this == TLS;
  }
}
