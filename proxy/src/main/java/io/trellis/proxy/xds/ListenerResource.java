package io.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.trellis.proxy.config.listener.CodecType;
import io.trellis.proxy.config.listener.FilterChainConfig;
import io.trellis.proxy.config.listener.FilterChainMatch;
import io.trellis.proxy.config.listener.Http2Options;
import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.HttpFilterConfig;
import io.trellis.proxy.config.listener.ListenerConfig;
import io.trellis.proxy.config.listener.ListenerFilter;
import io.trellis.proxy.config.listener.NetworkFilterConfig;
import io.trellis.proxy.config.listener.PathWithEscapedSlashesAction;
import io.trellis.proxy.config.listener.RouterFilterConfig;
import io.trellis.proxy.config.listener.TcpProxyConfig;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.tls.DownstreamTlsConfig;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LDS: {@code Listener} into {@link ListenerConfig}, with its filter chains, listener filters and the
 * terminal network filter ({@code http_connection_manager} or {@code tcp_proxy}). A typed config whose
 * type URL the proxy does not implement is an error, unless Envoy would skip it too
 * ({@code is_optional} HTTP filters); what the records cannot yet express and would change what a
 * connection gets (an unbound listener, extra network filters) is rejected rather than silently
 * dropped. A chain's {@code transport_socket} (TLS termination) is converted by {@link TlsContexts}.
 */
public final class ListenerResource implements XdsResourceType<Listener, ListenerConfig> {
  public static final ListenerResource INSTANCE = new ListenerResource();
  public static final String TYPE_URL = "type.googleapis.com/envoy.config.listener.v3.Listener";

  static final String HCM_TYPE_URL =
      "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
  static final String TCP_PROXY_TYPE_URL = "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";
  private static final Map<String, ListenerFilter> LISTENER_FILTER_TYPES =
      Map.of(
          "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector", ListenerFilter.TLS_INSPECTOR,
          "type.googleapis.com/envoy.extensions.filters.listener.original_dst.v3.OriginalDst", ListenerFilter.ORIGINAL_DST,
          "type.googleapis.com/envoy.extensions.filters.listener.http_inspector.v3.HttpInspector",
              ListenerFilter.HTTP_INSPECTOR);

  private ListenerResource() {}

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public String shortName() {
    return "LDS";
  }

  @Override
  public String kind() {
    return "Listener";
  }

  @Override
  public Class<Listener> protoClass() {
    return Listener.class;
  }

  @Override
  public boolean allResourcesInEachResponse() {
    return true;
  }

  @Override
  public String name(Listener proto) {
    return proto.getName();
  }

  /** The RDS route configuration names a listener's connection managers refer to. */
  public static Set<String> rdsNames(ListenerConfig listener) {
    Set<String> names = new LinkedHashSet<>();
    List<FilterChainConfig> chains = new ArrayList<>(listener.filterChains());
    if (listener.defaultFilterChain() != null) {
      chains.add(listener.defaultFilterChain());
    }
    for (FilterChainConfig chain : chains) {
      if (chain.filter() instanceof HttpConnectionManagerConfig hcm && hcm.rdsRouteConfigName() != null) {
        names.add(hcm.rdsRouteConfigName());
      }
    }
    return names;
  }

  /** The clusters a listener's tcp_proxy filters forward to (HTTP routes name theirs in route configs). */
  public static Set<String> tcpClusters(ListenerConfig listener) {
    Set<String> names = new LinkedHashSet<>();
    List<FilterChainConfig> chains = new ArrayList<>(listener.filterChains());
    if (listener.defaultFilterChain() != null) {
      chains.add(listener.defaultFilterChain());
    }
    for (FilterChainConfig chain : chains) {
      if (chain.filter() instanceof TcpProxyConfig tcp) {
        if (tcp.cluster() != null && !tcp.cluster().isEmpty()) {
          names.add(tcp.cluster());
        }
        tcp.weightedClusters().forEach(w -> names.add(w.name()));
      }
    }
    return names;
  }

  @Override
  public ListenerConfig parse(Listener l, ValidationErrors errors) {
    int before = errors.messages().size();
    ValidationErrors addressAt = errors.at("address");
    String address = null;
    int port = 0;
    if (!l.hasAddress() || !l.getAddress().hasSocketAddress()) {
      addressAt.add("socket_address is required");
    } else {
      var socket = l.getAddress().getSocketAddress();
      address = socket.getAddress();
      port = socket.getPortValue();
      if (socket.getProtocol() != io.envoyproxy.envoy.config.core.v3.SocketAddress.Protocol.TCP) {
        addressAt.at("socket_address.protocol").add(socket.getProtocol() + " (expected: TCP)");
      }
    }
    if (l.hasBindToPort() && !l.getBindToPort().getValue()) {
      errors.at("bind_to_port").add("false is not supported (every listener binds its port)");
    }
    if (l.getAdditionalAddressesCount() > 0) {
      errors.at("additional_addresses").add("not supported");
    }
    List<ListenerFilter> listenerFilters = new ArrayList<>();
    for (int i = 0; i < l.getListenerFiltersCount(); i++) {
      var f = l.getListenerFilters(i);
      ValidationErrors at = errors.at("listener_filters", i);
      ListenerFilter known =
          f.hasTypedConfig() ? LISTENER_FILTER_TYPES.get(f.getTypedConfig().getTypeUrl()) : byName(f.getName());
      if (known == null) {
        at.add(
            "unsupported listener filter "
                + (f.hasTypedConfig() ? f.getTypedConfig().getTypeUrl() : "'" + f.getName() + "'")
                + " (expected: tls_inspector, original_dst or http_inspector)");
      } else if (!listenerFilters.contains(known)) {
        listenerFilters.add(known);
      }
    }
    if (l.hasUseOriginalDst() && l.getUseOriginalDst().getValue() && !listenerFilters.contains(ListenerFilter.ORIGINAL_DST)) {
      listenerFilters.add(0, ListenerFilter.ORIGINAL_DST);
    }
    List<FilterChainConfig> chains = new ArrayList<>();
    for (int i = 0; i < l.getFilterChainsCount(); i++) {
      FilterChain fc = l.getFilterChains(i);
      FilterChainConfig chain = filterChain(fc, errors.at("filter_chains", i), true);
      if (chain != null) {
        chains.add(chain);
      }
    }
    FilterChainConfig defaultChain =
        l.hasDefaultFilterChain() ? filterChain(l.getDefaultFilterChain(), errors.at("default_filter_chain"), false) : null;
    if (errors.messages().size() > before) {
      return null;
    }
    ListenerConfig.Builder builder =
        ListenerConfig.builder(l.getName(), address, port)
            .listenerFilters(listenerFilters)
            .filterChains(chains)
            .defaultFilterChain(defaultChain)
            .continueOnListenerFiltersTimeout(l.getContinueOnListenerFiltersTimeout());
    if (l.hasListenerFiltersTimeout()) {
      builder.listenerFiltersTimeout(ProtoValues.duration(l.getListenerFiltersTimeout()));
    }
    if (l.hasPerConnectionBufferLimitBytes()) {
      builder.perConnectionBufferLimitBytes(l.getPerConnectionBufferLimitBytes().getValue());
    }
    return errors.build(builder::build);
  }

  private static ListenerFilter byName(String name) {
    for (ListenerFilter f : ListenerFilter.values()) {
      if (f.envoyName().equals(name)) {
        return f;
      }
    }
    return null;
  }

  private static FilterChainConfig filterChain(FilterChain fc, ValidationErrors errors, boolean withMatch) {
    int before = errors.messages().size();
    DownstreamTlsConfig tls = fc.hasTransportSocket() ? TlsContexts.downstream(fc.getTransportSocket(), errors.at("transport_socket")) : null;
    FilterChainMatch match = withMatch && fc.hasFilterChainMatch() ? match(fc.getFilterChainMatch(), errors.at("filter_chain_match")) : null;
    NetworkFilterConfig filter = null;
    if (fc.getFiltersCount() == 0) {
      errors.at("filters").add("[] (expected: one http_connection_manager or tcp_proxy)");
    } else if (fc.getFiltersCount() > 1) {
      for (int i = 0; i < fc.getFiltersCount() - 1; i++) {
        errors.at("filters", i).add(
            "unsupported network filter '" + fc.getFilters(i).getName() + "' (only one terminal filter,"
                + " http_connection_manager or tcp_proxy, is supported)");
      }
    } else {
      filter = networkFilter(fc.getFilters(0), errors.at("filters", 0));
    }
    if (errors.messages().size() > before) {
      return null;
    }
    FilterChainMatch m = match;
    NetworkFilterConfig f = filter;
    return errors.build(() -> new FilterChainConfig(fc.getName(), m, f, tls));
  }

  private static FilterChainMatch match(io.envoyproxy.envoy.config.listener.v3.FilterChainMatch m, ValidationErrors errors) {
    int before = errors.messages().size();
    List<io.trellis.proxy.config.listener.CidrRange> prefixes = cidrs(m.getPrefixRangesList(), errors, "prefix_ranges");
    List<io.trellis.proxy.config.listener.CidrRange> sources =
        cidrs(m.getSourcePrefixRangesList(), errors, "source_prefix_ranges");
    if (m.getDirectSourcePrefixRangesCount() > 0) {
      errors.at("direct_source_prefix_ranges").add("not supported");
    }
    if (m.getSourceType() != io.envoyproxy.envoy.config.listener.v3.FilterChainMatch.ConnectionSourceType.ANY) {
      errors.at("source_type").add(m.getSourceType() + " is not supported (expected: ANY)");
    }
    if (errors.messages().size() > before) {
      return null;
    }
    int port = m.hasDestinationPort() ? m.getDestinationPort().getValue() : 0;
    return errors.build(
        () ->
            new FilterChainMatch(
                port,
                prefixes,
                m.getServerNamesList(),
                m.getTransportProtocol(),
                m.getApplicationProtocolsList(),
                sources,
                m.getSourcePortsList()));
  }

  private static List<io.trellis.proxy.config.listener.CidrRange> cidrs(List<CidrRange> ranges, ValidationErrors errors, String field) {
    List<io.trellis.proxy.config.listener.CidrRange> out = new ArrayList<>();
    for (int i = 0; i < ranges.size(); i++) {
      CidrRange r = ranges.get(i);
      int len = r.hasPrefixLen() ? r.getPrefixLen().getValue() : (r.getAddressPrefix().contains(":") ? 128 : 32);
      var converted = errors.at(field, i).build(() -> new io.trellis.proxy.config.listener.CidrRange(r.getAddressPrefix(), len));
      if (converted != null) {
        out.add(converted);
      }
    }
    return out;
  }

  private static NetworkFilterConfig networkFilter(Filter f, ValidationErrors errors) {
    if (!f.hasTypedConfig()) {
      errors.add("filter '" + f.getName() + "' has no typed_config");
      return null;
    }
    Any any = f.getTypedConfig();
    try {
      return switch (any.getTypeUrl()) {
        case HCM_TYPE_URL -> httpConnectionManager(any.unpack(HttpConnectionManager.class), errors.at("http_connection_manager"));
        case TCP_PROXY_TYPE_URL -> tcpProxy(any.unpack(TcpProxy.class), errors.at("tcp_proxy"));
        default -> {
          errors.add("filter '" + f.getName() + "': unsupported type URL " + any.getTypeUrl()
              + " (expected: http_connection_manager or tcp_proxy)");
          yield null;
        }
      };
    } catch (InvalidProtocolBufferException e) {
      errors.add("cannot decode " + any.getTypeUrl() + ": " + e.getMessage());
      return null;
    }
  }

  private static TcpProxyConfig tcpProxy(TcpProxy t, ValidationErrors errors) {
    java.time.Duration idle = t.hasIdleTimeout() ? ProtoValues.duration(t.getIdleTimeout()) : null;
    return switch (t.getClusterSpecifierCase()) {
      case CLUSTER -> errors.build(() -> new TcpProxyConfig(t.getStatPrefix(), t.getCluster(), List.of(), idle));
      case WEIGHTED_CLUSTERS -> {
        List<TcpProxyConfig.WeightedCluster> weighted = new ArrayList<>();
        var list = t.getWeightedClusters().getClustersList();
        for (int i = 0; i < list.size(); i++) {
          var c = list.get(i);
          var w = errors.at("weighted_clusters.clusters", i).build(() -> new TcpProxyConfig.WeightedCluster(c.getName(), c.getWeight()));
          if (w == null) {
            yield null;
          }
          weighted.add(w);
        }
        yield errors.build(() -> new TcpProxyConfig(t.getStatPrefix(), null, weighted, idle));
      }
      default -> {
        errors.add("cluster_specifier: none (expected: cluster or weighted_clusters)");
        yield null;
      }
    };
  }

  /** Converts a connection manager, with its inline route configuration when it has one. */
  static HttpConnectionManagerConfig httpConnectionManager(HttpConnectionManager h, ValidationErrors errors) {
    int before = errors.messages().size();
    HttpConnectionManagerConfig.Builder builder = HttpConnectionManagerConfig.builder(h.getStatPrefix());
    switch (h.getRouteSpecifierCase()) {
      case ROUTE_CONFIG -> {
        RouteConfig inline = RouteConfigurationResource.convert(h.getRouteConfig(), errors.at("route_config"));
        if (inline != null) {
          builder.routeConfig(inline);
        }
      }
      case RDS -> {
        var source = h.getRds().getConfigSource();
        if (h.getRds().hasConfigSource() && !source.hasAds()) {
          errors.at("rds.config_source").add("only ads: {} is supported");
        }
        builder.rds(h.getRds().getRouteConfigName());
      }
      default -> errors.add("route_specifier: " + h.getRouteSpecifierCase().name().toLowerCase()
          + " (expected: route_config or rds)");
    }
    builder.codecType(
        switch (h.getCodecType()) {
          case AUTO -> CodecType.AUTO;
          case HTTP1 -> CodecType.HTTP1;
          case HTTP2 -> CodecType.HTTP2;
          default -> {
            errors.at("codec_type").add(h.getCodecType() + " is not supported (expected: AUTO, HTTP1 or HTTP2)");
            yield CodecType.AUTO;
          }
        });
    List<HttpFilterConfig> filters = new ArrayList<>();
    for (int i = 0; i < h.getHttpFiltersCount(); i++) {
      HttpFilterConfig f = httpFilter(h.getHttpFilters(i), errors.at("http_filters", i));
      if (f != null) {
        filters.add(f);
      }
    }
    builder.httpFilters(filters);
    if (h.hasMaxRequestHeadersKb()) {
      builder.maxRequestHeadersKb(h.getMaxRequestHeadersKb().getValue());
    }
    if (h.hasCommonHttpProtocolOptions()) {
      var common = h.getCommonHttpProtocolOptions();
      if (common.hasIdleTimeout()) {
        builder.idleTimeout(ProtoValues.duration(common.getIdleTimeout()));
      }
      if (common.hasMaxHeadersCount()) {
        builder.maxRequestHeadersCount(common.getMaxHeadersCount().getValue());
      }
      if (common.hasMaxStreamDuration()) {
        builder.maxStreamDuration(ProtoValues.duration(common.getMaxStreamDuration()));
      }
    }
    if (h.hasStreamIdleTimeout()) {
      builder.streamIdleTimeout(ProtoValues.duration(h.getStreamIdleTimeout()));
    }
    if (h.hasRequestTimeout()) {
      builder.requestTimeout(ProtoValues.duration(h.getRequestTimeout()));
    }
    if (h.hasRequestHeadersTimeout()) {
      builder.requestHeadersTimeout(ProtoValues.duration(h.getRequestHeadersTimeout()));
    }
    if (h.hasDrainTimeout()) {
      builder.drainTimeout(ProtoValues.duration(h.getDrainTimeout()));
    }
    if (h.hasHttp2ProtocolOptions()) {
      var o = h.getHttp2ProtocolOptions();
      Http2Options d = Http2Options.DEFAULTS;
      Http2Options converted =
          errors.at("http2_protocol_options").build(
              () ->
                  new Http2Options(
                      o.hasMaxConcurrentStreams() ? o.getMaxConcurrentStreams().getValue() : d.maxConcurrentStreams(),
                      o.hasInitialStreamWindowSize() ? o.getInitialStreamWindowSize().getValue() : d.initialStreamWindowSize(),
                      o.hasInitialConnectionWindowSize()
                          ? o.getInitialConnectionWindowSize().getValue()
                          : d.initialConnectionWindowSize()));
      if (converted != null) {
        builder.http2Options(converted);
      }
    }
    builder.normalizePath(h.hasNormalizePath() && h.getNormalizePath().getValue());
    builder.mergeSlashes(h.getMergeSlashes());
    builder.pathWithEscapedSlashesAction(
        switch (h.getPathWithEscapedSlashesAction()) {
          case KEEP_UNCHANGED -> PathWithEscapedSlashesAction.KEEP_UNCHANGED;
          case REJECT_REQUEST -> PathWithEscapedSlashesAction.REJECT_REQUEST;
          case UNESCAPE_AND_REDIRECT -> PathWithEscapedSlashesAction.UNESCAPE_AND_REDIRECT;
          case UNESCAPE_AND_FORWARD -> PathWithEscapedSlashesAction.UNESCAPE_AND_FORWARD;
          default -> PathWithEscapedSlashesAction.IMPLEMENTATION_SPECIFIC_DEFAULT;
        });
    builder.useRemoteAddress(h.hasUseRemoteAddress() && h.getUseRemoteAddress().getValue());
    builder.xffNumTrustedHops(h.getXffNumTrustedHops());
    builder.skipXffAppend(h.getSkipXffAppend());
    if (!h.getServerName().isEmpty()) {
      builder.serverName(h.getServerName());
    }
    builder.generateRequestId(!h.hasGenerateRequestId() || h.getGenerateRequestId().getValue());
    builder.preserveExternalRequestId(h.getPreserveExternalRequestId());
    List<String> upgrades = new ArrayList<>();
    for (var u : h.getUpgradeConfigsList()) {
      if (!u.hasEnabled() || u.getEnabled().getValue()) {
        upgrades.add(u.getUpgradeType());
      }
    }
    builder.upgradeTypes(upgrades);
    if (errors.messages().size() > before) {
      return null;
    }
    return errors.build(builder::build);
  }

  private static HttpFilterConfig httpFilter(HttpFilter f, ValidationErrors errors) {
    if (!f.hasTypedConfig()) {
      errors.add("filter '" + f.getName() + "' has no typed_config");
      return null;
    }
    String typeUrl = f.getTypedConfig().getTypeUrl();
    if (typeUrl.equals(HttpFilterConfig.ROUTER_TYPE_URL)) {
      try {
        Router router = f.getTypedConfig().unpack(Router.class);
        return errors.build(
            () -> new HttpFilterConfig(f.getName(), typeUrl, new RouterFilterConfig(router.getSuppressEnvoyHeaders()), false));
      } catch (InvalidProtocolBufferException e) {
        errors.add("cannot decode Router: " + e.getMessage());
        return null;
      }
    }
    if (HttpCorsConfigs.handlesFilter(typeUrl)) {
      // the filter's own config is empty; policies come per route and virtual host
      return errors.build(() -> new HttpFilterConfig(f.getName(), typeUrl, null, f.getIsOptional()));
    }
    if (HttpFaultConfigs.handles(typeUrl)) {
      var fault = HttpFaultConfigs.fromAny(f.getTypedConfig(), errors.at("http_filter[" + f.getName() + "]"));
      return fault == null ? null : errors.build(() -> new HttpFilterConfig(f.getName(), typeUrl, fault, f.getIsOptional()));
    }
    if (f.getIsOptional()) {
      // Envoy skips an optional filter it does not know; so does the listener runtime.
      return errors.build(() -> new HttpFilterConfig(f.getName(), typeUrl, null, true));
    }
    errors.add("filter '" + f.getName() + "': unsupported type URL " + typeUrl
        + " (implemented: the router, the fault and the CORS filters; mark other filters is_optional to skip them)");
    return null;
  }
}
