package io.trellis.proxy.health;

/** How one health check ended. */
public enum ProbeOutcome {
  /** The host answered as expected. */
  PASS,
  /** The host answered, but not as expected (an unexpected HTTP status): unhealthy at once. */
  FAIL_ACTIVE,
  /** No usable answer (connect failure, reset, timeout, a retriable status): counts toward unhealthy_threshold. */
  FAIL_NETWORK
}
