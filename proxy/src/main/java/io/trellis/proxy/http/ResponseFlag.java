package io.trellis.proxy.http;

/** Why a request ended the way it did, by Envoy's response-flag codes (as access logs print them). */
public enum ResponseFlag {
  NO_ROUTE_FOUND("NR"),
  NO_CLUSTER_FOUND("NC"),
  NO_HEALTHY_UPSTREAM("UH"),
  UPSTREAM_CONNECTION_FAILURE("UF"),
  UPSTREAM_OVERFLOW("UO"),
  UPSTREAM_REQUEST_TIMEOUT("UT"),
  UPSTREAM_CONNECTION_TERMINATION("UC"),
  UPSTREAM_REMOTE_RESET("UR"),
  UPSTREAM_PROTOCOL_ERROR("UPE"),
  LOCAL_RESET("LR"),
  DOWNSTREAM_CONNECTION_TERMINATION("DC"),
  DOWNSTREAM_PROTOCOL_ERROR("DPE"),
  STREAM_IDLE_TIMEOUT("SI"),
  DURATION_TIMEOUT("DT"),
  /** The fault filter delayed the request. */
  DELAY_INJECTED("DI"),
  /** The fault filter aborted the request. */
  FAULT_INJECTED("FI"),
  /** The router's retries ran out on a retriable failure (Envoy's "upstream retry limit exceeded"). */
  UPSTREAM_RETRY_LIMIT_EXCEEDED("URX");

  private final String code;

  ResponseFlag(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }
}
