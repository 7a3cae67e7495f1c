package io.trellis.proxy.config.route;

/**
 * Envoy's {@code route.v3.HeaderMatcher}. Exactly one of the three match forms is set: a
 * {@link StringMatcher} (which also carries the deprecated exact/prefix/suffix/contains/safe_regex
 * forms), a presence test, or an integer range {@code [rangeStart, rangeEnd)}. Several values of one
 * header are joined with {@code ","} before matching, as Envoy does.
 *
 * @param present for a presence match: {@code true} matches when the header exists, {@code false}
 *     when it does not; {@code null} for the other forms
 * @param treatMissingHeaderAsEmpty match a missing header as if it were present with value ""
 */
public record HeaderMatcher(
    String name,
    StringMatcher stringMatch,
    Boolean present,
    Long rangeStart,
    Long rangeEnd,
    boolean invertMatch,
    boolean treatMissingHeaderAsEmpty) {

  public HeaderMatcher {
    Check.nonEmpty("header_matcher.name", name);
    int forms = (stringMatch != null ? 1 : 0) + (present != null ? 1 : 0) + (rangeStart != null ? 1 : 0);
    if (forms != 1) {
      throw new IllegalArgumentException(
          "header_matcher[" + name + "]: " + forms + " match forms (expected: exactly one of string_match,"
              + " present_match, range_match)");
    }
    if ((rangeStart == null) != (rangeEnd == null)) {
      throw new IllegalArgumentException("header_matcher[" + name + "].range_match: half set (expected: start and end)");
    }
    if (rangeStart != null && rangeStart >= rangeEnd) {
      throw new IllegalArgumentException(
          "header_matcher[" + name + "].range_match: [" + rangeStart + ", " + rangeEnd + ") (expected: start < end)");
    }
  }

  public static HeaderMatcher string(String name, StringMatcher match) {
    return new HeaderMatcher(name, match, null, null, null, false, false);
  }

  public static HeaderMatcher present(String name, boolean present) {
    return new HeaderMatcher(name, null, present, null, null, false, false);
  }

  public static HeaderMatcher range(String name, long start, long endExclusive) {
    return new HeaderMatcher(name, null, null, start, endExclusive, false, false);
  }

  public HeaderMatcher inverted() {
    return new HeaderMatcher(name, stringMatch, present, rangeStart, rangeEnd, true, treatMissingHeaderAsEmpty);
  }

  public HeaderMatcher missingAsEmpty() {
    return new HeaderMatcher(name, stringMatch, present, rangeStart, rangeEnd, invertMatch, true);
  }
}
