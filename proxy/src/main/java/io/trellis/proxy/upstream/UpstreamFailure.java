package io.trellis.proxy.upstream;

/** Why an upstream stream could not be had or did not complete; maps to a response flag. */
public final class UpstreamFailure extends Exception {

  /** The cause, named for the Envoy response flag it becomes. */
  public enum Reason {
    /** UF: connecting failed or the connection closed before a response. */
    CONNECTION_FAILURE,
    /** UF: the connect timeout elapsed. */
    CONNECT_TIMEOUT,
    /** UO: a circuit breaker (connections, pending requests, requests) overflowed. */
    OVERFLOW,
    /** UR: the upstream reset the stream or closed the connection mid-response. */
    REMOTE_RESET,
    /** LR: this proxy reset the stream (e.g. downstream went away). */
    LOCAL_RESET,
    /** UPE: the upstream broke the protocol. */
    PROTOCOL_ERROR
  }

  private final Reason reason;

  public UpstreamFailure(Reason reason, String message) {
    super(message, null, false, false);
    this.reason = reason;
  }

  public UpstreamFailure(Reason reason, String message, Throwable cause) {
    super(message, cause, false, false);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
