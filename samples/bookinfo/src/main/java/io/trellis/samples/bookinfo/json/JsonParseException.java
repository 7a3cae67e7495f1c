package io.trellis.samples.bookinfo.json;

/** JSON text that is not valid JSON; the message says at which character offset and why. */
public final class JsonParseException extends Exception {
  private final int offset;

  JsonParseException(int offset, String reason) {
    super("JSON at offset " + offset + ": " + reason);
    this.offset = offset;
  }

  /** The offset, in chars, of the first character that could not be accepted. */
  public int offset() {
    return offset;
  }
}
