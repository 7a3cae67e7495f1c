package io.trellis.control.xds;

import java.time.Instant;
import java.util.Map;

/**
 * A connected proxy's sync state per xDS type, as {@code trellis proxy-status} shows it.
 *
 * @param node the proxy
 * @param streamId the server's id for the stream (a proxy that reconnects gets a new one)
 * @param delta whether the stream speaks the delta protocol
 * @param connectedAt when the stream opened
 * @param types one entry for each of CDS, EDS, LDS, RDS, VHDS on a delta stream (VHDS exists only
 *     there), and any other type the proxy asked for, keyed by type URL, in push order
 */
public record ProxyStatus(
    ProxyNode node, long streamId, boolean delta, Instant connectedAt, Map<String, TypeStatus> types) {

  /** Where one type stands between the server and the proxy. */
  public enum SyncState {
    /** Nothing of this type has been sent (not requested, or nothing to send). */
    NOT_SENT,
    /** The latest response was sent and is not yet acknowledged. */
    STALE,
    /** The latest response was acknowledged. */
    SYNCED,
    /** The latest response was rejected; {@link TypeStatus#error()} says why. */
    NACKED
  }

  /**
   * @param state sync state
   * @param sentVersion version of the latest response sent ({@code ""} if none)
   * @param ackedVersion version the proxy last acknowledged ({@code ""} if none)
   * @param error the proxy's error message for the latest rejected response ({@code ""} if none)
   * @param resources number of resources of this type the proxy has been sent
   */
  public record TypeStatus(SyncState state, String sentVersion, String ackedVersion, String error, int resources) {}
}
