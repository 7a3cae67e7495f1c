package io.trellis.proxy.config.listener;

/**
 * Envoy's {@code FilterChain}: when {@link #match} selects it, the connection is handled by its
 * terminal network filter. (TLS termination, Envoy's transport socket, is not part of this record yet.)
 */
public record FilterChainConfig(String name, FilterChainMatch match, NetworkFilterConfig filter) {
  public FilterChainConfig {
    name = name == null ? "" : name;
    match = match == null ? FilterChainMatch.ANY : match;
    Check.notNull("filter_chains[" + name + "].filters", filter);
  }
}
