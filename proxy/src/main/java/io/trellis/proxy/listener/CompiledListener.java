package io.trellis.proxy.listener;

import io.trellis.proxy.config.listener.FilterChainConfig;
import io.trellis.proxy.config.listener.FilterChainMatch;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.listener.ListenerFilter;
import io.trellis.proxy.config.listener.TcpProxyConfig;
import io.trellis.proxy.http.HttpConnectionManager;
import io.trellis.proxy.http.RouteTableSource;
import io.trellis.proxy.http.StreamObserver;
import io.trellis.proxy.http.filter.FilterContext;
import io.trellis.proxy.http.filter.HttpFilterRegistry;
import io.trellis.proxy.network.NetworkFilter;
import io.trellis.proxy.network.TcpProxy;
import io.trellis.proxy.router.RouteTable;
import java.util.ArrayList;
import java.util.List;

/**
 * One version of a listener's configuration, compiled: the filter-chain selector over compiled
 * network filters. Immutable; connections keep the version they were accepted on.
 */
final class CompiledListener {
  final ListenerConfig config;
  final boolean tlsInspector;
  final boolean httpInspector;
  final boolean originalDst;
  private final FilterChainSelector<NetworkFilter> selector;
  private final NetworkFilter defaultChain;

  private CompiledListener(ListenerConfig config, FilterChainSelector<NetworkFilter> selector, NetworkFilter defaultChain) {
    this.config = config;
    this.tlsInspector = config.listenerFilters().contains(ListenerFilter.TLS_INSPECTOR);
    this.httpInspector = config.listenerFilters().contains(ListenerFilter.HTTP_INSPECTOR);
    this.originalDst = config.listenerFilters().contains(ListenerFilter.ORIGINAL_DST);
    this.selector = selector;
    this.defaultChain = defaultChain;
  }

  /** Compiles, or throws {@link IllegalArgumentException} saying which chain and why. */
  static CompiledListener compile(
      ListenerConfig config, RdsRouteTables rds, HttpFilterRegistry registry, FilterContext context, StreamObserver observer) {
    List<FilterChainMatch> matches = new ArrayList<>();
    List<NetworkFilter> filters = new ArrayList<>();
    for (int i = 0; i < config.filterChains().size(); i++) {
      FilterChainConfig chain = config.filterChains().get(i);
      matches.add(chain.match());
      filters.add(compileFilter("listener[" + config.name() + "].filter_chains[" + i + "]", chain, rds, registry, context, observer));
    }
    NetworkFilter def = config.defaultFilterChain() == null
        ? null
        : compileFilter("listener[" + config.name() + "].default_filter_chain", config.defaultFilterChain(), rds, registry, context, observer);
    return new CompiledListener(config, new FilterChainSelector<>(matches, filters), def);
  }

  private static NetworkFilter compileFilter(
      String at, FilterChainConfig chain, RdsRouteTables rds, HttpFilterRegistry registry, FilterContext context,
      StreamObserver observer) {
    return switch (chain.filter()) {
      case HttpConnectionManagerConfig hcm -> {
        RouteTableSource routes;
        if (hcm.routeConfig() != null) {
          RouteTable table = RouteTable.compile(hcm.routeConfig());
          routes = () -> table;
        } else {
          routes = rds.source(hcm.rdsRouteConfigName());
        }
        yield new HttpNetworkFilter(HttpConnectionManager.compile(at, hcm, routes, registry, context, observer));
      }
      case TcpProxyConfig tcp -> new TcpProxy(tcp, context.clusterManager(), context.stats(), context.random());
    };
  }

  NetworkFilter select(ConnectionFacts facts) {
    NetworkFilter f = selector.select(facts);
    return f != null ? f : defaultChain;
  }
}
