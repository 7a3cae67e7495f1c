package io.trellis.bench.peer;

/** A target that cannot run on this machine or in this build, with the reason for the report. */
public final class TargetUnavailableException extends Exception {

  public TargetUnavailableException(String reason) {
    super(reason);
  }
}
