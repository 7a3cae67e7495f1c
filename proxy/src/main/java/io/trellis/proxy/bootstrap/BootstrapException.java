package io.trellis.proxy.bootstrap;

import java.util.List;

/** A bootstrap file that cannot be used; the message names the file, the field and the reason. */
public final class BootstrapException extends Exception {
  private final List<String> problems;

  public BootstrapException(String source, List<String> problems) {
    super(source + ": " + String.join("; ", problems), null, false, false);
    this.problems = List.copyOf(problems);
  }

  public BootstrapException(String source, String problem, Throwable cause) {
    super(source + ": " + problem, cause, false, false);
    this.problems = List.of(problem);
  }

  /** Each problem, with its field path. */
  public List<String> problems() {
    return problems;
  }
}
