package io.trellis.proxy.router;

import com.google.re2j.Pattern;
import io.trellis.proxy.config.route.RegexRewrite;

/**
 * Rewrites a request target's path (never its query) by prefix or by regex, as Envoy's
 * {@code prefix_rewrite} and {@code regex_rewrite} do.
 */
final class PathRewriter {
  private final String prefixRewrite;
  private final int matchedPrefixLength;
  private final Pattern regex;
  private final String replacement;

  private PathRewriter(String prefixRewrite, int matchedPrefixLength, Pattern regex, String replacement) {
    this.prefixRewrite = prefixRewrite;
    this.matchedPrefixLength = matchedPrefixLength;
    this.regex = regex;
    this.replacement = replacement;
  }

  /** A rewriter, or {@code null} when neither rewrite is configured. */
  static PathRewriter of(String prefixRewrite, RegexRewrite regexRewrite, int matchedPrefixLength) {
    if (prefixRewrite != null) {
      return new PathRewriter(prefixRewrite, matchedPrefixLength, null, null);
    }
    if (regexRewrite != null) {
      return new PathRewriter(null, 0, Pattern.compile(regexRewrite.regex()), toRe2jReplacement(regexRewrite.substitution()));
    }
    return null;
  }

  /** Rewrites {@code path}; {@code query} (without '?', possibly empty) is appended unchanged. */
  String rewrite(String path, String query, boolean hadQuery) {
    String rewritten;
    if (prefixRewrite != null) {
      int cut = matchedPrefixLength < 0 ? path.length() : Math.min(matchedPrefixLength, path.length());
      rewritten = prefixRewrite + path.substring(cut);
    } else {
      rewritten = regex.matcher(path).replaceAll(replacement);
    }
    return hadQuery ? rewritten + "?" + query : rewritten;
  }

  /** Envoy writes capture groups as {@code \1}; RE2/J as {@code $1}, with a literal {@code $} escaped. */
  static String toRe2jReplacement(String envoy) {
    StringBuilder sb = new StringBuilder(envoy.length() + 4);
    for (int i = 0; i < envoy.length(); i++) {
      char c = envoy.charAt(i);
      if (c == '\\' && i + 1 < envoy.length() && Character.isDigit(envoy.charAt(i + 1))) {
        sb.append('$').append(envoy.charAt(++i));
      } else if (c == '\\' && i + 1 < envoy.length() && envoy.charAt(i + 1) == '\\') {
        sb.append("\\\\");
        i++;
      } else if (c == '$') {
        sb.append("\\$");
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
