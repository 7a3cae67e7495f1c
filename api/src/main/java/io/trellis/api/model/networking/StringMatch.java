package io.trellis.api.model.networking;

import io.trellis.api.model.OneOf;

/**
 * Istio's {@code StringMatch}: exactly one of exact, prefix or regex (RE2 syntax). Members are
 * {@code null} when absent.
 */
public record StringMatch(
    @OneOf("match_type") String exact,
    @OneOf("match_type") String prefix,
    @OneOf("match_type") String regex) {

  public static StringMatch exact(String value) {
    return new StringMatch(value, null, null);
  }

  public static StringMatch prefix(String value) {
    return new StringMatch(null, value, null);
  }

  public static StringMatch regex(String value) {
    return new StringMatch(null, null, value);
  }

  /** Whether no member is set (Istio rejects such a match). */
  public boolean isEmpty() {
    return exact == null && prefix == null && regex == null;
  }
}
