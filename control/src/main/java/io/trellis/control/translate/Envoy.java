package io.trellis.control.translate;

import com.google.protobuf.Any;
import com.google.protobuf.Duration;
import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.type.v3.FractionalPercent;

/**
 * The vocabulary every generator shares: Istio's well-known cluster and filter names, the ADS
 * config source, and small conversions into Envoy's protobuf types.
 */
final class Envoy {
  /** Traffic to hosts outside the registry when the outbound policy is ALLOW_ANY. */
  static final String PASSTHROUGH_CLUSTER = "PassthroughCluster";
  /** Traffic nowhere may go (REGISTRY_ONLY): a cluster with no endpoints. */
  static final String BLACKHOLE_CLUSTER = "BlackHoleCluster";
  /** Inbound traffic to a port no service declares. */
  static final String INBOUND_PASSTHROUGH_CLUSTER = "InboundPassthroughCluster";

  static final String VIRTUAL_OUTBOUND = "virtualOutbound";
  static final String VIRTUAL_INBOUND = "virtualInbound";
  static final int OUTBOUND_CAPTURE_PORT = 15001;
  static final int INBOUND_CAPTURE_PORT = 15006;

  static final String HCM = "envoy.filters.network.http_connection_manager";
  static final String TCP_PROXY = "envoy.filters.network.tcp_proxy";
  static final String ROUTER = "envoy.filters.http.router";
  static final String FAULT = "envoy.filters.http.fault";
  static final String CORS = "envoy.filters.http.cors";
  static final String ORIGINAL_DST = "envoy.filters.listener.original_dst";
  static final String TLS_INSPECTOR = "envoy.filters.listener.tls_inspector";
  static final String TLS_TRANSPORT = "envoy.transport_sockets.tls";
  static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";

  /** Istio's SDS secret names for the workload certificate and the mesh root. */
  static final String SDS_DEFAULT = "default";
  static final String SDS_ROOTCA = "ROOTCA";

  /** Resources fetched over the same ADS stream, as every Istio-generated config source does. */
  static final ConfigSource ADS =
      ConfigSource.newBuilder()
          .setAds(AggregatedConfigSource.getDefaultInstance())
          .setInitialFetchTimeout(Duration.getDefaultInstance())
          .setResourceApiVersion(ApiVersion.V3)
          .build();

  private Envoy() {}

  static String outboundCluster(int port, String subset, String host) {
    return "outbound|" + port + "|" + subset + "|" + host;
  }

  static String inboundCluster(int port) {
    return "inbound|" + port + "||";
  }

  static Any any(Message m) {
    return Any.pack(m);
  }

  static Duration duration(java.time.Duration d) {
    return Duration.newBuilder().setSeconds(d.getSeconds()).setNanos(d.getNano()).build();
  }

  static Duration seconds(long s) {
    return Duration.newBuilder().setSeconds(s).build();
  }

  /** A socket address, or a Unix domain socket for Istio's {@code unix://PATH} endpoints. */
  static Address address(String ip, int port) {
    if (ip.startsWith("unix://")) {
      return Address.newBuilder().setPipe(io.envoyproxy.envoy.config.core.v3.Pipe.newBuilder().setPath(ip.substring("unix://".length()))).build();
    }
    return Address.newBuilder().setSocketAddress(SocketAddress.newBuilder().setAddress(ip).setPortValue(port)).build();
  }

  /**
   * A percentage as Envoy wants it: Istio's {@code Percent} (a double 0–100) becomes parts per
   * million so that fractions like 0.1% survive.
   */
  static FractionalPercent percent(double value) {
    return FractionalPercent.newBuilder()
        .setNumerator((int) Math.round(value * 10_000))
        .setDenominator(FractionalPercent.DenominatorType.MILLION)
        .build();
  }

  /** Istio's deprecated integer percent fields (0–100). */
  static FractionalPercent percentInt(int value) {
    return FractionalPercent.newBuilder().setNumerator(value).setDenominator(FractionalPercent.DenominatorType.HUNDRED).build();
  }
}
