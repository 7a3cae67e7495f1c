package io.trellis.proxy.config.route;

/** The path specifier of a route match (Envoy's {@code RouteMatch.path_specifier}). */
public sealed interface PathMatch {

  /** The path (without query) starts with {@code prefix}. */
  record Prefix(String prefix) implements PathMatch {
    public Prefix {
      Check.notNull("match.prefix", prefix);
    }
  }

  /** The path (without query) equals {@code path}. */
  record Path(String path) implements PathMatch {
    public Path {
      Check.notNull("match.path", path);
    }
  }

  /** The whole path (without query) matches the RE2 regex. */
  record SafeRegex(String regex) implements PathMatch {
    public SafeRegex {
      StringMatcher.compile("match.safe_regex.regex", Check.notNull("match.safe_regex", regex));
    }
  }

  /** The path equals the prefix or continues it with {@code /}; the prefix has no {@code ?#} and does not end in {@code /}. */
  record PathSeparatedPrefix(String prefix) implements PathMatch {
    public PathSeparatedPrefix {
      Check.notNull("match.path_separated_prefix", prefix);
      if (!prefix.startsWith("/") || prefix.endsWith("/") && prefix.length() > 1
          || prefix.indexOf('?') >= 0 || prefix.indexOf('#') >= 0) {
        throw new IllegalArgumentException(
            "match.path_separated_prefix: '" + prefix + "' (expected: starts with /, no trailing /, no ? or #)");
      }
    }
  }

  /**
   * Envoy's {@code connect_matcher}: matches only CONNECT requests (which have no path); other path
   * matches never match a CONNECT request.
   */
  record Connect() implements PathMatch {}
}
