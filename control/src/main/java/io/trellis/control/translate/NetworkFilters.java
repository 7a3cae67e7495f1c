package io.trellis.control.translate;

import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilter;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.Cors;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.listener.original_dst.v3.OriginalDst;
import io.envoyproxy.envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import java.util.List;

/**
 * The network and listener filters every listener generator assembles: HTTP connection managers
 * (with Istio's HTTP filter chain: CORS, fault injection, router — per-route config turns CORS and
 * faults on), TCP proxies, and the original-destination and TLS-inspector listener filters.
 */
final class NetworkFilters {
  private NetworkFilters() {}

  /** Where an HCM gets its routes: by name over RDS, or inline. */
  sealed interface RouteSource permits Named, Inline {}

  record Named(String routeConfigName) implements RouteSource {}

  record Inline(RouteConfiguration routes) implements RouteSource {}

  static Filter hcm(String statPrefix, RouteSource routes, boolean gateway, boolean proxyless) {
    HttpConnectionManager.Builder h =
        HttpConnectionManager.newBuilder().setStatPrefix(statPrefix).setCodecType(HttpConnectionManager.CodecType.AUTO);
    switch (routes) {
      case Named n -> h.setRds(Rds.newBuilder().setConfigSource(Envoy.ADS).setRouteConfigName(n.routeConfigName()));
      case Inline i -> h.setRouteConfig(i.routes());
    }
    if (!proxyless) {
      h.addHttpFilters(HttpFilter.newBuilder().setName(Envoy.CORS).setTypedConfig(Envoy.any(Cors.getDefaultInstance())));
    }
    h.addHttpFilters(HttpFilter.newBuilder().setName(Envoy.FAULT).setTypedConfig(Envoy.any(HTTPFault.getDefaultInstance())));
    h.addHttpFilters(HttpFilter.newBuilder().setName(Envoy.ROUTER).setTypedConfig(Envoy.any(Router.getDefaultInstance())));
    if (gateway) {
      // Gateways see client addresses first hand, and match hosts without the port, as Istio's do.
      h.setUseRemoteAddress(com.google.protobuf.BoolValue.of(true));
      h.setStripAnyHostPort(true);
    }
    return Filter.newBuilder().setName(Envoy.HCM).setTypedConfig(Envoy.any(h.build())).build();
  }

  static HttpConnectionManager hcmConfig(Filter f) {
    try {
      return f.getTypedConfig().unpack(HttpConnectionManager.class);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static Filter tcpProxy(String statPrefix, String cluster) {
    return Filter.newBuilder()
        .setName(Envoy.TCP_PROXY)
        .setTypedConfig(Envoy.any(TcpProxy.newBuilder().setStatPrefix(statPrefix).setCluster(cluster).build()))
        .build();
  }

  /** A TCP proxy splitting connections over weighted clusters (one cluster: a plain proxy). */
  static Filter tcpProxy(String statPrefix, List<WeightedTarget> targets) {
    if (targets.size() == 1) {
      return tcpProxy(statPrefix, targets.getFirst().cluster());
    }
    TcpProxy.WeightedCluster.Builder w = TcpProxy.WeightedCluster.newBuilder();
    for (WeightedTarget t : targets) {
      w.addClusters(TcpProxy.WeightedCluster.ClusterWeight.newBuilder().setName(t.cluster()).setWeight(t.weight()));
    }
    return Filter.newBuilder()
        .setName(Envoy.TCP_PROXY)
        .setTypedConfig(Envoy.any(TcpProxy.newBuilder().setStatPrefix(statPrefix).setWeightedClusters(w).build()))
        .build();
  }

  /** A cluster with its share of connections. */
  record WeightedTarget(String cluster, int weight) {}

  static ListenerFilter originalDst() {
    return ListenerFilter.newBuilder().setName(Envoy.ORIGINAL_DST).setTypedConfig(Envoy.any(OriginalDst.getDefaultInstance())).build();
  }

  static ListenerFilter tlsInspector() {
    return ListenerFilter.newBuilder().setName(Envoy.TLS_INSPECTOR).setTypedConfig(Envoy.any(TlsInspector.getDefaultInstance())).build();
  }
}
