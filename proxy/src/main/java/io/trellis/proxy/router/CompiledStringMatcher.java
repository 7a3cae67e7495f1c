package io.trellis.proxy.router;

import com.google.re2j.Pattern;
import io.trellis.proxy.config.route.StringMatcher;
import java.util.Locale;

/** A {@link StringMatcher} ready to run: the regex compiled and case folding decided once. */
final class CompiledStringMatcher {
  private final StringMatcher.Kind kind;
  private final String value;
  private final boolean ignoreCase;
  private final Pattern regex;

  CompiledStringMatcher(StringMatcher config) {
    this.kind = config.kind();
    this.ignoreCase = config.ignoreCase();
    this.value = ignoreCase ? config.value().toLowerCase(Locale.ROOT) : config.value();
    this.regex = kind == StringMatcher.Kind.SAFE_REGEX ? Pattern.compile(config.value()) : null;
  }

  boolean matches(String input) {
    if (kind == StringMatcher.Kind.SAFE_REGEX) {
      return regex.matches(input);
    }
    String s = ignoreCase ? input.toLowerCase(Locale.ROOT) : input;
    return switch (kind) {
      case EXACT -> s.equals(value);
      case PREFIX -> s.startsWith(value);
      case SUFFIX -> s.endsWith(value);
      case CONTAINS -> s.contains(value);
      case SAFE_REGEX -> throw new AssertionError();
    };
  }
}
