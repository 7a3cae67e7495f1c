package io.trellis.proxy.config.route;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Locale;

/**
 * Envoy's {@code type.matcher.v3.StringMatcher}: exact, prefix, suffix, contains or a safe (RE2)
 * regex that must match the whole value. {@code ignoreCase} applies to all but the regex, as in Envoy.
 */
public record StringMatcher(Kind kind, String value, boolean ignoreCase) {

  /** How {@link #value} is compared. */
  public enum Kind {
    EXACT,
    PREFIX,
    SUFFIX,
    CONTAINS,
    SAFE_REGEX
  }

  public StringMatcher {
    Check.notNull("string_matcher.kind", kind);
    Check.notNull("string_matcher.value", value);
    if (kind == Kind.SAFE_REGEX) {
      if (ignoreCase) {
        throw new IllegalArgumentException(
            "string_matcher.ignore_case: true (expected: false with safe_regex; use (?i) in the regex)");
      }
      compile("string_matcher.safe_regex.regex", value);
    } else if (kind != Kind.EXACT && value.isEmpty()) {
      throw new IllegalArgumentException(
          "string_matcher." + kind.name().toLowerCase(Locale.ROOT) + ": '' (expected: a non-empty string)");
    }
  }

  public static StringMatcher exact(String value) {
    return new StringMatcher(Kind.EXACT, value, false);
  }

  public static StringMatcher prefix(String value) {
    return new StringMatcher(Kind.PREFIX, value, false);
  }

  public static StringMatcher suffix(String value) {
    return new StringMatcher(Kind.SUFFIX, value, false);
  }

  public static StringMatcher contains(String value) {
    return new StringMatcher(Kind.CONTAINS, value, false);
  }

  public static StringMatcher regex(String regex) {
    return new StringMatcher(Kind.SAFE_REGEX, regex, false);
  }

  /** Compiles an RE2 regex, turning a syntax error into a message that names the field. */
  public static Pattern compile(String field, String regex) {
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          field + ": '" + regex + "' (expected: an RE2 regular expression; " + e.getMessage() + ")", e);
    }
  }
}
