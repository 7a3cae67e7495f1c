package io.trellis.proxy.outlier;

/**
 * What this proxy itself saw of a host, as opposed to what the host answered (Envoy's local-origin
 * results). Without {@code split_external_local_origin_errors} failures count as the 503 or 504 the
 * router would have answered; with it they feed their own counters.
 */
public enum LocalOriginEvent {
  /** A connection was established. */
  CONNECT_SUCCESS,
  /** Connecting failed, or the connection was reset or closed before the response ended. */
  CONNECT_FAILED,
  /** Connecting (or the request) timed out. */
  TIMEOUT
}
