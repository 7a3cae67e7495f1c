package io.trellis.proxy.config.listener;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Envoy's {@code listener.v3.Listener}, limited to what Trellis implements. Build it with
 * {@link #builder(String, String, int)}: fields added later keep their Envoy defaults there.
 *
 * @param address an IP literal to bind (e.g. "0.0.0.0", "127.0.0.1", "::")
 * @param port 0 binds an ephemeral port (see {@code Listeners.boundPort})
 * @param listenerFilters run in order before filter-chain matching
 * @param filterChains chosen by {@link FilterChainMatch}
 * @param defaultFilterChain used when no chain matches, or {@code null} (the connection is closed)
 * @param listenerFiltersTimeout how long listener filters may wait for bytes (Envoy's default 15 s)
 * @param continueOnListenerFiltersTimeout on that timeout, match with what is known instead of closing
 * @param perConnectionBufferLimitBytes the write-buffer high-water mark per connection (default 1 MiB)
 */
public record ListenerConfig(
    String name,
    String address,
    int port,
    List<ListenerFilter> listenerFilters,
    List<FilterChainConfig> filterChains,
    FilterChainConfig defaultFilterChain,
    Duration listenerFiltersTimeout,
    boolean continueOnListenerFiltersTimeout,
    int perConnectionBufferLimitBytes) {

  public static final Duration DEFAULT_LISTENER_FILTERS_TIMEOUT = Duration.ofSeconds(15);
  public static final int DEFAULT_PER_CONNECTION_BUFFER_LIMIT_BYTES = 1024 * 1024;

  public ListenerConfig {
    Check.nonEmpty("listener.name", name);
    String at = "listener[" + name + "].";
    Check.nonEmpty(at + "address.socket_address.address", address);
    if (!address.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException(at + "address.socket_address.address: '" + address + "' (expected: an IP literal)");
    }
    Check.range(at + "address.socket_address.port_value", port, 0, 65535);
    listenerFilters = Check.list(at + "listener_filters", listenerFilters);
    filterChains = Check.list(at + "filter_chains", filterChains);
    if (filterChains.isEmpty() && defaultFilterChain == null) {
      throw new IllegalArgumentException(at + "filter_chains: [] (expected: at least one filter chain or a default)");
    }
    Set<FilterChainMatch> matches = new HashSet<>();
    for (FilterChainConfig c : filterChains) {
      if (!matches.add(c.match())) {
        throw new IllegalArgumentException(
            at + "filter_chains[" + c.name() + "].filter_chain_match: " + c.match() + " (expected: unique across chains)");
      }
    }
    Check.nonNegative(at + "listener_filters_timeout", listenerFiltersTimeout);
    Check.range(at + "per_connection_buffer_limit_bytes", perConnectionBufferLimitBytes, 1, Integer.MAX_VALUE);
  }

  public static Builder builder(String name, String address, int port) {
    return new Builder(name, address, port);
  }

  /** Builds a {@link ListenerConfig} from Envoy's defaults. */
  public static final class Builder {
    private final String name;
    private final String address;
    private final int port;
    private List<ListenerFilter> listenerFilters = List.of();
    private List<FilterChainConfig> filterChains = List.of();
    private FilterChainConfig defaultFilterChain;
    private Duration listenerFiltersTimeout = DEFAULT_LISTENER_FILTERS_TIMEOUT;
    private boolean continueOnListenerFiltersTimeout;
    private int perConnectionBufferLimitBytes = DEFAULT_PER_CONNECTION_BUFFER_LIMIT_BYTES;

    private Builder(String name, String address, int port) {
      this.name = name;
      this.address = address;
      this.port = port;
    }

    public Builder listenerFilters(List<ListenerFilter> v) { listenerFilters = v; return this; }
    public Builder filterChains(List<FilterChainConfig> v) { filterChains = v; return this; }
    public Builder defaultFilterChain(FilterChainConfig v) { defaultFilterChain = v; return this; }
    public Builder listenerFiltersTimeout(Duration v) { listenerFiltersTimeout = v; return this; }
    public Builder continueOnListenerFiltersTimeout(boolean v) { continueOnListenerFiltersTimeout = v; return this; }
    public Builder perConnectionBufferLimitBytes(int v) { perConnectionBufferLimitBytes = v; return this; }

    public ListenerConfig build() {
      return new ListenerConfig(
          name, address, port, listenerFilters, filterChains, defaultFilterChain, listenerFiltersTimeout,
          continueOnListenerFiltersTimeout, perConnectionBufferLimitBytes);
    }
  }
}
