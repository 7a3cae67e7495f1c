package io.trellis.proxy.config.listener;

import io.trellis.proxy.tls.DownstreamTlsConfig;

/**
 * Envoy's {@code FilterChain}: when {@link #match} selects it, the connection is handled by its
 * terminal network filter, behind TLS termination when {@link #tls} is set (the chain's
 * {@code transport_socket}; {@code null} is raw_buffer).
 */
public record FilterChainConfig(String name, FilterChainMatch match, NetworkFilterConfig filter, DownstreamTlsConfig tls) {
  public FilterChainConfig {
    name = name == null ? "" : name;
    match = match == null ? FilterChainMatch.ANY : match;
    Check.notNull("filter_chains[" + name + "].filters", filter);
  }

  /** A plain-text chain. */
  public FilterChainConfig(String name, FilterChainMatch match, NetworkFilterConfig filter) {
    this(name, match, filter, null);
  }
}
