package io.trellis.bench.load;

/** The time units wrk and h2load print ("793.00us", "0.90ms", "2.00s", "1.2m"). */
final class Durations {

  private Durations() {}

  static double toMillis(String number, String unit) {
    double v = Double.parseDouble(number);
    return switch (unit) {
      case "us" -> v / 1000.0;
      case "ms" -> v;
      case "s" -> v * 1000.0;
      case "m" -> v * 60_000.0;
      case "h" -> v * 3_600_000.0;
      default -> throw new IllegalArgumentException("unknown time unit '" + unit + "'");
    };
  }
}
