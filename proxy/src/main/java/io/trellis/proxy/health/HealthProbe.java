package io.trellis.proxy.health;

import java.net.InetSocketAddress;
import java.util.function.Consumer;

/** Performs one check of one host without blocking. */
public interface HealthProbe {

  /**
   * Starts a check of {@code target}; {@code done} is called once with the outcome, on the probe's
   * event loop, unless the returned handle cancels the check first.
   */
  Runnable start(InetSocketAddress target, Consumer<ProbeOutcome> done);

  /** The host is no longer checked: let go of anything kept for it (a reused connection). */
  default void forget(InetSocketAddress target) {}

  /** Checking stopped: let go of everything. */
  default void close() {}
}
