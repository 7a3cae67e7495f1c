package io.trellis.proxy.health;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connections a probe keeps open between checks (Envoy's reuse_connection), one per host. A
 * connection leaves the set when it closes. Used on the probe's event loop only.
 */
final class KeptConnections {
  private final Map<InetSocketAddress, Channel> byHost = new HashMap<>();
  private final Set<Channel> watched = new HashSet<>();

  /** The host's kept connection if it is still open, else null (a closed one is dropped). */
  Channel open(InetSocketAddress host) {
    Channel ch = byHost.get(host);
    if (ch != null && !ch.isActive()) {
      byHost.remove(host, ch);
      return null;
    }
    return ch;
  }

  /**
   * Keeps {@code ch} for {@code host} until it closes or is replaced. A connection kept again after
   * each check gets its close listener once, not once per check.
   */
  void keep(InetSocketAddress host, Channel ch) {
    byHost.put(host, ch);
    if (watched.add(ch)) {
      ch.closeFuture().addListener(f -> {
        watched.remove(ch);
        byHost.remove(host, ch);
      });
    }
  }

  /** Stops keeping whatever is kept for {@code host}, without closing it; returns it. */
  Channel release(InetSocketAddress host) {
    return byHost.remove(host);
  }

  /** Closes and forgets the host's connection: the host left the cluster. */
  void forget(InetSocketAddress host) {
    Channel ch = byHost.remove(host);
    if (ch != null) {
      ch.close();
    }
  }

  void closeAll() {
    for (Channel ch : List.copyOf(byHost.values())) {
      ch.close();
    }
    byHost.clear();
  }
}
