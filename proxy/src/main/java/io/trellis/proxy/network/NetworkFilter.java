package io.trellis.proxy.network;

import io.netty.channel.Channel;
import io.trellis.proxy.http.ConnectionInfo;

/** A compiled terminal network filter: takes over an accepted connection whose filter chain chose it. */
public interface NetworkFilter {

  /**
   * Installs this filter's handlers on {@code ch} (auto-read off, pipeline empty past the listener's
   * own handlers) and returns how to drain the connection.
   *
   * @param applicationProtocol ALPN or the HTTP inspector's result, or ""
   */
  Drainable install(Channel ch, ConnectionInfo info, String applicationProtocol);
}
