package io.trellis.proxy.router;

import io.trellis.proxy.config.route.StringMatcher;
import java.util.List;

/**
 * A list of string matchers compiled once, with the route table's semantics (RE2/J for regexes),
 * for filters that match values other than routes do — the CORS filter's allowed origins.
 */
public final class StringMatchers {
  private final CompiledStringMatcher[] matchers;

  private StringMatchers(List<StringMatcher> config) {
    this.matchers = config.stream().map(CompiledStringMatcher::new).toArray(CompiledStringMatcher[]::new);
  }

  public static StringMatchers compile(List<StringMatcher> config) {
    return new StringMatchers(config);
  }

  /** Whether any matcher matches {@code value}. */
  public boolean anyMatches(String value) {
    for (CompiledStringMatcher m : matchers) {
      if (m.matches(value)) {
        return true;
      }
    }
    return false;
  }

  public boolean isEmpty() {
    return matchers.length == 0;
  }
}
