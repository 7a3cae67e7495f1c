package io.trellis.proxy.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;

/** How a local reply is told to a gRPC client: which requests are gRPC, and HTTP status → gRPC status. */
public final class GrpcStatusMapping {

  private GrpcStatusMapping() {}

  /** gRPC requests carry {@code content-type: application/grpc} (optionally {@code +proto}, {@code +json}, …). */
  public static boolean isGrpc(HttpHeaders headers) {
    String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
    return type != null && type.regionMatches(true, 0, "application/grpc", 0, 16)
        && (type.length() == 16 || type.charAt(16) == '+' || type.charAt(16) == ';');
  }

  /** gRPC's documented mapping of HTTP statuses a proxy may produce to gRPC status codes. */
  public static int fromHttp(int status) {
    return switch (status) {
      case 400 -> 13; // INTERNAL
      case 401 -> 16; // UNAUTHENTICATED
      case 403 -> 7; // PERMISSION_DENIED
      case 404 -> 12; // UNIMPLEMENTED
      case 429, 502, 503, 504 -> 14; // UNAVAILABLE
      default -> 2; // UNKNOWN
    };
  }

  /** Percent-encodes a grpc-message as the gRPC wire format requires (non-printable ASCII and '%'). */
  public static String encodeMessage(String message) {
    StringBuilder out = new StringBuilder(message.length());
    for (byte b : message.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c >= 0x20 && c < 0x7f && c != '%') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
