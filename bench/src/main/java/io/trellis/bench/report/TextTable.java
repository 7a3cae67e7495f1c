package io.trellis.bench.report;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with aligned columns: text left-aligned, everything else right-aligned. */
public final class TextTable {

  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public TextTable(List<String> headers) {
    this.headers = List.copyOf(headers);
  }

  public TextTable row(List<String> cells) {
    if (cells.size() != headers.size()) {
      throw new IllegalArgumentException("row has " + cells.size() + " cells, table has " + headers.size() + " columns");
    }
    rows.add(List.copyOf(cells));
    return this;
  }

  /** Formats a number with {@code decimals} places; "-" for a figure that does not exist. */
  public static String num(Double value, int decimals) {
    return value == null ? "-" : String.format("%." + decimals + "f", value);
  }

  public String render() {
    int[] width = new int[headers.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = headers.get(c).length();
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    line(sb, headers, width, true);
    for (int c = 0; c < width.length; c++) {
      sb.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
    }
    sb.append('\n');
    for (List<String> r : rows) {
      line(sb, r, width, false);
    }
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] width, boolean header) {
    for (int c = 0; c < width.length; c++) {
      String cell = cells.get(c);
      boolean left = header || c < 2 || !looksNumeric(cell);
      String pad = " ".repeat(width[c] - cell.length());
      sb.append(c == 0 ? "" : "  ").append(left ? cell + pad : pad + cell);
    }
    // no trailing spaces
    int end = sb.length();
    while (end > 0 && sb.charAt(end - 1) == ' ') {
      end--;
    }
    sb.setLength(end);
    sb.append('\n');
  }

  private static boolean looksNumeric(String s) {
    return s.equals("-") || s.matches("-?[\\d.]+%?");
  }
}
