package io.trellis.control.xds;

import java.time.Duration;

/**
 * Hears what the xDS server does, for metrics and logs. Called on the server's threads, possibly
 * concurrently for different proxies: implementations must be thread-safe and quick.
 */
public interface XdsObserver {

  XdsObserver NONE = new XdsObserver() {};

  /** A proxy opened a stream and sent its node. */
  default void connected(ProxyNode node) {}

  /** A proxy's stream ended. */
  default void disconnected(ProxyNode node) {}

  /** One response of one type went to one proxy. */
  default void pushed(ProxyNode node, String typeUrl, int resourceCount) {}

  /** Time to regenerate, diff and send one proxy's resources for one update. */
  default void pushTime(ProxyNode node, Duration elapsed) {}

  /** A proxy rejected a response. */
  default void nacked(ProxyNode node, String typeUrl, String error) {}

  /** A proxy acknowledged everything sent for a change: time from the change to that moment. */
  default void converged(ProxyNode node, Duration sinceChange) {}

  /**
   * The server-wide response budget changed: {@code bytesInFlight} serialized response bytes are
   * held (sent, not yet answered or drained), {@code pushesWaiting} streams wait for budget to send
   * their next response. Called under the budget's lock, so calls arrive in order.
   */
  default void responseBudget(long bytesInFlight, int pushesWaiting) {}

  /** A response of this type to this proxy had to wait for the response budget. */
  default void waitedForBudget(ProxyNode node, String typeUrl) {}
}
