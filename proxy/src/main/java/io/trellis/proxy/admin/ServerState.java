package io.trellis.proxy.admin;

import java.time.Clock;
import java.time.Instant;

/**
 * Whether the proxy should receive traffic, as Envoy reports it on {@code /ready} and in
 * {@code /server_info}: {@code PRE_INITIALIZING} until initial configuration has been applied,
 * {@code LIVE} afterwards, and {@code DRAINING} while health checks are failed on purpose
 * ({@code /healthcheck/fail}) or the proxy is shutting down, so load balancers stop sending traffic
 * before connections close.
 */
public final class ServerState {

  /** The names are Envoy's {@code admin.v3.ServerInfo.State}. */
  public enum State {
    LIVE,
    DRAINING,
    PRE_INITIALIZING,
    INITIALIZING
  }

  private final Clock clock;
  private final Instant started;
  private volatile boolean initialized;
  private volatile boolean healthCheckFailed;
  private volatile boolean shuttingDown;

  public ServerState(Clock clock) {
    this.clock = clock;
    this.started = clock.instant();
  }

  public State state() {
    if (shuttingDown || (initialized && healthCheckFailed)) {
      return State.DRAINING;
    }
    return initialized ? State.LIVE : State.PRE_INITIALIZING;
  }

  /** Initial configuration (static resources, and the first CDS and LDS when ADS is used) is in force. */
  public void markInitialized() {
    initialized = true;
  }

  public boolean initialized() {
    return initialized;
  }

  public void setHealthCheckFailed(boolean failed) {
    healthCheckFailed = failed;
  }

  public boolean healthCheckFailed() {
    return healthCheckFailed;
  }

  public void markShuttingDown() {
    shuttingDown = true;
  }

  public Instant started() {
    return started;
  }

  public Clock clock() {
    return clock;
  }
}
