package io.trellis.bench.load;

/** A load tool's output that holds no result, with the reason the tool gave. */
public final class ToolOutputException extends Exception {

  public ToolOutputException(String message) {
    super(message);
  }
}
