package io.trellis.proxy.router;

import java.time.Duration;

/** Parses gRPC's {@code grpc-timeout} header: up to eight digits and a unit (H, M, S, m, u, n). */
final class GrpcTimeout {
  private GrpcTimeout() {}

  /** The timeout, or {@code null} when the value is malformed (then it is ignored, as Envoy does). */
  static Duration parse(String value) {
    int n = value.length();
    if (n < 2 || n > 9) {
      return null;
    }
    long amount = 0;
    for (int i = 0; i < n - 1; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
      amount = amount * 10 + (c - '0');
    }
    return switch (value.charAt(n - 1)) {
      case 'H' -> Duration.ofHours(amount);
      case 'M' -> Duration.ofMinutes(amount);
      case 'S' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMillis(amount);
      case 'u' -> Duration.ofNanos(amount * 1000);
      case 'n' -> Duration.ofNanos(amount);
      default -> null;
    };
  }
}
