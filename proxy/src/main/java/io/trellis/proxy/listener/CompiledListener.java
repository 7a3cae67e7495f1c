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
import io.trellis.proxy.tls.Secrets;
import io.trellis.proxy.tls.SecretRef;
import io.trellis.proxy.tls.ServerTlsContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
  private final List<TlsTerminatingFilter> tlsChains;

  private CompiledListener(
      ListenerConfig config, FilterChainSelector<NetworkFilter> selector, NetworkFilter defaultChain, List<TlsTerminatingFilter> tlsChains) {
    this.config = config;
    this.tlsInspector = config.listenerFilters().contains(ListenerFilter.TLS_INSPECTOR);
    this.httpInspector = config.listenerFilters().contains(ListenerFilter.HTTP_INSPECTOR);
    this.originalDst = config.listenerFilters().contains(ListenerFilter.ORIGINAL_DST);
    this.selector = selector;
    this.defaultChain = defaultChain;
    this.tlsChains = List.copyOf(tlsChains);
  }

  /** The secrets the listener's TLS chains name; it can serve only once all of them are there. */
  static Set<SecretRef> secretRefs(ListenerConfig config) {
    Set<SecretRef> refs = new LinkedHashSet<>();
    List<FilterChainConfig> chains = new ArrayList<>(config.filterChains());
    if (config.defaultFilterChain() != null) {
      chains.add(config.defaultFilterChain());
    }
    for (FilterChainConfig chain : chains) {
      if (chain.tls() != null) {
        refs.addAll(chain.tls().secretRefs());
      }
    }
    return refs;
  }

  /**
   * Builds every TLS chain's context from {@code secrets} without installing them; throws (naming the
   * chain) when one cannot be built. {@link #useContexts} then installs the result.
   */
  List<ServerTlsContext> buildContexts(Secrets secrets) {
    List<ServerTlsContext> out = new ArrayList<>(tlsChains.size());
    for (TlsTerminatingFilter f : tlsChains) {
      out.add(f.build(secrets));
    }
    return out;
  }

  /** Installs contexts from {@link #buildContexts}: new connections use them, open ones keep theirs. */
  void useContexts(List<ServerTlsContext> contexts) {
    for (int i = 0; i < tlsChains.size(); i++) {
      tlsChains.get(i).use(contexts.get(i));
    }
  }

  boolean hasTls() {
    return !tlsChains.isEmpty();
  }

  /**
   * Compiles, or throws {@link IllegalArgumentException} saying which chain and why. With {@code null}
   * secrets the TLS contexts are left unbuilt: only to validate a listener that is warming.
   */
  static CompiledListener compile(
      ListenerConfig config, RdsRouteTables rds, HttpFilterRegistry registry, FilterContext context, StreamObserver observer,
      Secrets secrets) {
    List<FilterChainMatch> matches = new ArrayList<>();
    List<NetworkFilter> filters = new ArrayList<>();
    List<TlsTerminatingFilter> tls = new ArrayList<>();
    String sslStats = "listener." + config.address().replace(':', '_') + "_";
    for (int i = 0; i < config.filterChains().size(); i++) {
      FilterChainConfig chain = config.filterChains().get(i);
      matches.add(chain.match());
      String at = "listener[" + config.name() + "].filter_chains[" + i + "]";
      filters.add(withTls(at, chain, compileFilter(at, chain, rds, registry, context, observer), context, sslStats, secrets, tls));
    }
    NetworkFilter def = null;
    if (config.defaultFilterChain() != null) {
      String at = "listener[" + config.name() + "].default_filter_chain";
      FilterChainConfig chain = config.defaultFilterChain();
      def = withTls(at, chain, compileFilter(at, chain, rds, registry, context, observer), context, sslStats, secrets, tls);
    }
    return new CompiledListener(config, new FilterChainSelector<>(matches, filters), def, tls);
  }

  private static NetworkFilter withTls(
      String at, FilterChainConfig chain, NetworkFilter filter, FilterContext context, String sslStats, Secrets secrets,
      List<TlsTerminatingFilter> tls) {
    if (chain.tls() == null) {
      return filter;
    }
    TlsTerminatingFilter terminating = new TlsTerminatingFilter(at, chain.tls(), filter, context.stats(), sslStats);
    if (secrets != null) {
      terminating.useSecrets(secrets);
    }
    tls.add(terminating);
    return terminating;
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
