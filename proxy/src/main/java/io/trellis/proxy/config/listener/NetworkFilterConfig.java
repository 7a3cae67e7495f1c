package io.trellis.proxy.config.listener;

/** A terminal network filter of a filter chain: the HTTP connection manager or tcp_proxy. */
public sealed interface NetworkFilterConfig permits HttpConnectionManagerConfig, TcpProxyConfig {

  /** Envoy's {@code stat_prefix}, used in this filter's stat names. */
  String statPrefix();
}
