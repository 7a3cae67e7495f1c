package io.trellis.samples.bookinfo.web;

/** How a call to another Bookinfo service ended: with a response, or without one. */
public sealed interface BackendResult {
  /** The backend answered; {@code status} may still be an error. */
  record Answered(int status, String body) implements BackendResult {}

  /** No response: refused, reset, timed out, or interrupted. {@code reason} says which. */
  record Failed(String reason) implements BackendResult {}

  /** Whether the call got a {@code 200 OK}. */
  default boolean ok() {
    return this instanceof Answered answered && answered.status() == 200;
  }

  /** The status to pass on to a caller: the backend's, or 500 when there was no response. */
  default int statusOr500() {
    return this instanceof Answered answered ? answered.status() : 500;
  }
}
