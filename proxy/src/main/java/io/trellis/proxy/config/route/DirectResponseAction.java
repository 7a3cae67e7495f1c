package io.trellis.proxy.config.route;

/** Envoy's {@code DirectResponseAction}: answer with this status and body (may be empty). */
public record DirectResponseAction(int status, String body) implements RouteAction {
  public DirectResponseAction {
    if (status < 200 || status > 599) {
      throw new IllegalArgumentException("direct_response.status: " + status + " (expected: 200..599)");
    }
    body = body == null ? "" : body;
  }
}
