package io.trellis.proxy.admin;

import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.List;

/** The running proxy as the admin server sees it; implemented by the composition root. */
public interface AdminTarget {

  Node node();

  /** The build's version, for {@code /server_info}. */
  String version();

  /** The current configuration, shaped as Envoy's {@code admin.v3.ConfigDump}. */
  ConfigDump configDump();

  List<ClusterStatus> clusters();

  List<ListenerStatus> listeners();

  /** Starts draining every listener: open connections finish, then the listeners close. */
  void drainListeners();

  /** Asks the proxy to stop; returns at once, the stop happens on another thread. */
  void requestShutdown();
}
