package io.trellis.proxy.config.route;

/**
 * Envoy's {@code RedirectAction}. Unset parts ({@code null}, port 0) keep the request's own. At most one
 * of {@code pathRedirect}, {@code prefixRewrite}, {@code regexRewrite} is set.
 *
 * @param scheme {@code scheme_redirect} or "https" for {@code https_redirect}
 * @param responseCode 301, 302, 303, 307 or 308 (Envoy's default 301)
 */
public record RedirectAction(
    String scheme,
    String host,
    int port,
    String pathRedirect,
    String prefixRewrite,
    RegexRewrite regexRewrite,
    int responseCode,
    boolean stripQuery)
    implements RouteAction {

  public static final int DEFAULT_RESPONSE_CODE = 301;

  public RedirectAction {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("redirect.port_redirect: " + port + " (expected: 0..65535)");
    }
    int paths = (pathRedirect != null ? 1 : 0) + (prefixRewrite != null ? 1 : 0) + (regexRewrite != null ? 1 : 0);
    if (paths > 1) {
      throw new IllegalArgumentException(
          "redirect: " + paths + " path rewrites (expected: at most one of path_redirect, prefix_rewrite, regex_rewrite)");
    }
    if (pathRedirect != null && !pathRedirect.startsWith("/")) {
      throw new IllegalArgumentException("redirect.path_redirect: '" + pathRedirect + "' (expected: starts with /)");
    }
    switch (responseCode) {
      case 301, 302, 303, 307, 308 -> {}
      default -> throw new IllegalArgumentException(
          "redirect.response_code: " + responseCode + " (expected: 301, 302, 303, 307 or 308)");
    }
    if (scheme != null && scheme.isEmpty()) {
      scheme = null;
    }
    if (host != null && host.isEmpty()) {
      host = null;
    }
  }

  /** A redirect that changes only the scheme to https (Envoy's {@code https_redirect: true}). */
  public static RedirectAction https() {
    return new RedirectAction("https", null, 0, null, null, null, DEFAULT_RESPONSE_CODE, false);
  }
}
