package io.trellis.api.validate;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Regular expressions in configuration use RE2 syntax (Envoy's safe_regex): checked with RE2/J,
 * never with java.util.regex, whose syntax and backtracking differ.
 */
public final class Regexes {

  /** Istio's limit, standing in for Envoy's RE2 program-size limit. */
  static final int MAX_LENGTH = 1024;

  private Regexes() {}

  /** {@code null} when {@code regex} is a valid RE2 expression, else the message to report. */
  public static String check(String regex) {
    if (regex.isEmpty()) {
      return "regex string match should not be empty";
    }
    if (regex.length() > MAX_LENGTH) {
      return "regex is too large, max length allowed is " + MAX_LENGTH;
    }
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return "invalid RE2 regex \"" + regex + "\": " + e.getDescription();
    }
  }
}
