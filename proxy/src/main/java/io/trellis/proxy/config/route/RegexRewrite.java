package io.trellis.proxy.config.route;

import com.google.re2j.Pattern;

/**
 * Envoy's {@code RegexMatchAndSubstitute}: every match of the RE2 {@code pattern} in the path (not the
 * query) is replaced by {@code substitution}, where {@code \1}… name capture groups.
 */
public record RegexRewrite(String regex, String substitution) {
  public RegexRewrite {
    Check.notNull("regex_rewrite.substitution", substitution);
    StringMatcher.compile("regex_rewrite.pattern.regex", Check.notNull("regex_rewrite.pattern", regex));
  }

  public Pattern pattern() {
    return Pattern.compile(regex);
  }
}
