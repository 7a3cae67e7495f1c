package io.trellis.api.model;

/**
 * Where something came from: a file and a 1-based line and column. {@link #UNKNOWN} stands for
 * objects built in code rather than read from a file.
 */
public record Location(String file, int line, int column) {

  public static final Location UNKNOWN = new Location("<unknown>", 0, 0);

  @Override
  public String toString() {
    return file + ":" + line;
  }
}
