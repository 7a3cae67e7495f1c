package io.trellis.api.load;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Parses durations the way Istio's configuration accepts them: Go's duration syntax ({@code 1.5s},
 * {@code 100ms}, {@code 1h30m}, {@code 300us}), which includes the protobuf JSON form ({@code
 * "1.000340012s"}). A leading minus sign is accepted by the syntax; validators reject negative
 * values where Istio does.
 */
public final class DurationText {

  private DurationText() {}

  /** The duration, or {@code null} when {@code text} is not one. */
  public static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    int i = 0;
    boolean negative = false;
    if (text.charAt(0) == '-' || text.charAt(0) == '+') {
      negative = text.charAt(0) == '-';
      i++;
    }
    if (i == text.length()) {
      return null;
    }
    if (text.substring(i).equals("0")) {
      return Duration.ZERO;
    }
    BigDecimal totalNanos = BigDecimal.ZERO;
    while (i < text.length()) {
      int start = i;
      while (i < text.length() && (Character.isDigit(text.charAt(i)) || text.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        return null;
      }
      String number = text.substring(start, i);
      if (number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) {
        return null;
      }
      int unitStart = i;
      while (i < text.length() && !Character.isDigit(text.charAt(i)) && text.charAt(i) != '.') {
        i++;
      }
      long unitNanos =
          switch (text.substring(unitStart, i)) {
            case "ns" -> 1L;
            case "us", "µs", "μs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> -1L;
          };
      if (unitNanos < 0) {
        return null;
      }
      totalNanos = totalNanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unitNanos)));
    }
    if (totalNanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      return null;
    }
    Duration d = Duration.ofNanos(totalNanos.longValue());
    return negative ? d.negated() : d;
  }
}
