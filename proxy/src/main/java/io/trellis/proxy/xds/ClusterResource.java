package io.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.trellis.proxy.config.cluster.ClusterConfig;
import io.trellis.proxy.config.cluster.DiscoveryType;
import io.trellis.proxy.config.cluster.DnsLookupFamily;
import io.trellis.proxy.config.cluster.EndpointsConfig;
import io.trellis.proxy.config.cluster.Http2Options;
import io.trellis.proxy.config.cluster.HttpProtocolOptions;
import io.trellis.proxy.config.cluster.LbPolicy;
import io.trellis.proxy.config.cluster.SlowStart;
import io.trellis.proxy.config.cluster.TcpKeepalive;
import io.trellis.proxy.config.cluster.UpstreamProtocolSelection;
import io.trellis.proxy.config.cluster.UpstreamTlsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CDS: {@code Cluster} into {@link ClusterConfig}. Circuit breakers, outlier detection and active
 * health checks are converted by {@link ClusterResilience}; a custom cluster type, a transport socket
 * other than TLS, and SDS-delivered TLS material are rejected.
 */
public final class ClusterResource implements XdsResourceType<Cluster, ClusterConfig> {
  public static final ClusterResource INSTANCE = new ClusterResource();
  public static final String TYPE_URL = "type.googleapis.com/envoy.config.cluster.v3.Cluster";

  static final String HTTP_PROTOCOL_OPTIONS = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
  private static final String TLS_CONTEXT_TYPE_URL =
      "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";

  private ClusterResource() {}

  @Override
  public String typeUrl() {
    return TYPE_URL;
  }

  @Override
  public String shortName() {
    return "CDS";
  }

  @Override
  public String kind() {
    return "Cluster";
  }

  @Override
  public Class<Cluster> protoClass() {
    return Cluster.class;
  }

  @Override
  public boolean allResourcesInEachResponse() {
    return true;
  }

  @Override
  public String name(Cluster proto) {
    return proto.getName();
  }

  @Override
  public ClusterConfig parse(Cluster c, ValidationErrors errors) {
    int before = errors.messages().size();
    ClusterConfig.Builder b = ClusterConfig.builder(c.getName());
    DiscoveryType type = null;
    if (c.hasClusterType()) {
      errors.at("cluster_type").add("custom cluster type '" + c.getClusterType().getName() + "' is not supported");
    } else {
      type =
          switch (c.getType()) {
            case STATIC -> DiscoveryType.STATIC;
            case STRICT_DNS -> DiscoveryType.STRICT_DNS;
            case LOGICAL_DNS -> DiscoveryType.LOGICAL_DNS;
            case EDS -> DiscoveryType.EDS;
            case ORIGINAL_DST -> DiscoveryType.ORIGINAL_DST;
            default -> {
              errors.at("type").add(c.getType() + " is not supported");
              yield null;
            }
          };
    }
    if (type != null) {
      b.type(type);
    }
    if (type == DiscoveryType.EDS && c.hasEdsClusterConfig()) {
      var eds = c.getEdsClusterConfig();
      if (eds.hasEdsConfig() && !eds.getEdsConfig().hasAds()) {
        errors.at("eds_cluster_config.eds_config").add("only ads: {} is supported");
      }
      b.edsServiceName(eds.getServiceName());
    }
    if (c.hasLoadAssignment() && type != DiscoveryType.EDS && type != DiscoveryType.ORIGINAL_DST) {
      EndpointsConfig endpoints = ClusterLoadAssignmentResource.convert(c.getLoadAssignment(), errors.at("load_assignment"));
      b.loadAssignment(endpoints);
    }
    LbPolicy lb =
        switch (c.getLbPolicy()) {
          case ROUND_ROBIN -> new LbPolicy.RoundRobin();
          case LEAST_REQUEST -> {
            var cfg = c.getLeastRequestLbConfig();
            int choices = cfg.hasChoiceCount() ? cfg.getChoiceCount().getValue() : LbPolicy.LeastRequest.DEFAULT_CHOICE_COUNT;
            double bias =
                cfg.hasActiveRequestBias()
                    ? cfg.getActiveRequestBias().getDefaultValue()
                    : LbPolicy.LeastRequest.DEFAULT_ACTIVE_REQUEST_BIAS;
            yield errors.build(() -> new LbPolicy.LeastRequest(choices, bias));
          }
          case RANDOM -> new LbPolicy.Random();
          case RING_HASH -> {
            var cfg = c.getRingHashLbConfig();
            long min = cfg.hasMinimumRingSize() ? cfg.getMinimumRingSize().getValue() : LbPolicy.RingHash.DEFAULT_MINIMUM_RING_SIZE;
            long max = cfg.hasMaximumRingSize() ? cfg.getMaximumRingSize().getValue() : LbPolicy.RingHash.DEFAULT_MAXIMUM_RING_SIZE;
            yield errors.build(() -> new LbPolicy.RingHash(min, max));
          }
          case MAGLEV -> {
            var cfg = c.getMaglevLbConfig();
            long size = cfg.hasTableSize() ? cfg.getTableSize().getValue() : LbPolicy.Maglev.DEFAULT_TABLE_SIZE;
            yield errors.build(() -> new LbPolicy.Maglev(size));
          }
          // ORIGINAL_DST clusters ignore the policy; Envoy requires CLUSTER_PROVIDED for them.
          case CLUSTER_PROVIDED -> new LbPolicy.RoundRobin();
          default -> {
            errors.at("lb_policy").add(c.getLbPolicy() + " is not supported");
            yield null;
          }
        };
    if (lb != null) {
      b.lbPolicy(lb);
    }
    if (c.getLbPolicy() == Cluster.LbPolicy.ROUND_ROBIN && c.getRoundRobinLbConfig().hasSlowStartConfig()) {
      b.slowStart(slowStart(c.getRoundRobinLbConfig().getSlowStartConfig(), errors.at("round_robin_lb_config.slow_start_config")));
    } else if (c.getLbPolicy() == Cluster.LbPolicy.LEAST_REQUEST && c.getLeastRequestLbConfig().hasSlowStartConfig()) {
      b.slowStart(slowStart(c.getLeastRequestLbConfig().getSlowStartConfig(), errors.at("least_request_lb_config.slow_start_config")));
    }
    if (c.hasLoadBalancingPolicy()) {
      errors.at("load_balancing_policy").add("not supported (use lb_policy)");
    }
    if (c.hasConnectTimeout()) {
      b.connectTimeout(ProtoValues.duration(c.getConnectTimeout()));
    }
    if (c.hasPerConnectionBufferLimitBytes()) {
      b.perConnectionBufferLimitBytes(c.getPerConnectionBufferLimitBytes().getValue());
    }
    HttpProtocolOptions protocol = protocolOptions(c, errors);
    if (protocol != null) {
      b.protocolOptions(protocol);
    }
    if (c.hasUpstreamConnectionOptions() && c.getUpstreamConnectionOptions().hasTcpKeepalive()) {
      var k = c.getUpstreamConnectionOptions().getTcpKeepalive();
      TcpKeepalive keepalive =
          errors.build(
              () ->
                  new TcpKeepalive(
                      k.getKeepaliveProbes().getValue(), k.getKeepaliveTime().getValue(), k.getKeepaliveInterval().getValue()));
      b.tcpKeepalive(keepalive);
    }
    if (c.hasTransportSocket()) {
      b.tls(tls(c.getTransportSocket(), errors.at("transport_socket")));
    }
    if (c.getTransportSocketMatchesCount() > 0) {
      errors.at("transport_socket_matches").add("not supported");
    }
    if (c.hasCommonLbConfig()) {
      var common = c.getCommonLbConfig();
      if (common.hasHealthyPanicThreshold()) {
        b.healthyPanicThresholdPercent(common.getHealthyPanicThreshold().getValue());
      }
      b.localityWeightedLb(common.hasLocalityWeightedLbConfig());
    }
    b.dnsLookupFamily(
        switch (c.getDnsLookupFamily()) {
          case V4_ONLY -> DnsLookupFamily.V4_ONLY;
          case V6_ONLY -> DnsLookupFamily.V6_ONLY;
          case V4_PREFERRED -> DnsLookupFamily.V4_PREFERRED;
          case ALL -> DnsLookupFamily.ALL;
          default -> DnsLookupFamily.AUTO;
        });
    if (c.hasDnsRefreshRate()) {
      b.dnsRefreshRate(ProtoValues.duration(c.getDnsRefreshRate()));
    }
    b.respectDnsTtl(c.getRespectDnsTtl());
    if (c.hasCleanupInterval()) {
      b.cleanupInterval(ProtoValues.duration(c.getCleanupInterval()));
    }
    if (c.hasCircuitBreakers()) {
      b.circuitBreakers(ClusterResilience.circuitBreakers(c.getCircuitBreakers(), errors.at("circuit_breakers")));
    }
    if (c.hasOutlierDetection()) {
      b.outlierDetection(ClusterResilience.outlierDetection(c.getOutlierDetection(), errors.at("outlier_detection")));
    }
    if (c.getHealthChecksCount() > 0) {
      b.healthChecks(ClusterResilience.healthChecks(c.getHealthChecksList(), errors));
    }
    if (errors.messages().size() > before) {
      return null;
    }
    return errors.build(b::build);
  }

  private static HttpProtocolOptions protocolOptions(Cluster c, ValidationErrors errors) {
    Any typed = c.getTypedExtensionProtocolOptionsMap().get(HTTP_PROTOCOL_OPTIONS);
    ValidationErrors at = errors.at("typed_extension_protocol_options[" + HTTP_PROTOCOL_OPTIONS + "]");
    if (typed == null) {
      // The deprecated cluster-level field still selects HTTP/2, as in Envoy.
      if (c.hasHttp2ProtocolOptions()) {
        return HttpProtocolOptions.of(UpstreamProtocolSelection.HTTP2).withHttp2(http2(c.getHttp2ProtocolOptions(), errors));
      }
      return HttpProtocolOptions.DEFAULT;
    }
    io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions o;
    try {
      o = typed.unpack(io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.class);
    } catch (InvalidProtocolBufferException e) {
      at.add("cannot decode: " + e.getMessage());
      return null;
    }
    UpstreamProtocolSelection selection;
    io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions h2 = null;
    switch (o.getUpstreamProtocolOptionsCase()) {
      case EXPLICIT_HTTP_CONFIG -> {
        var explicit = o.getExplicitHttpConfig();
        if (explicit.hasHttp2ProtocolOptions()) {
          selection = UpstreamProtocolSelection.HTTP2;
          h2 = explicit.getHttp2ProtocolOptions();
        } else if (explicit.hasHttp3ProtocolOptions()) {
          at.at("explicit_http_config").add("HTTP/3 is not supported");
          return null;
        } else {
          selection = UpstreamProtocolSelection.HTTP1;
        }
      }
      case USE_DOWNSTREAM_PROTOCOL_CONFIG -> {
        selection = UpstreamProtocolSelection.USE_DOWNSTREAM;
        if (o.getUseDownstreamProtocolConfig().hasHttp2ProtocolOptions()) {
          h2 = o.getUseDownstreamProtocolConfig().getHttp2ProtocolOptions();
        }
      }
      case AUTO_CONFIG -> {
        selection = UpstreamProtocolSelection.AUTO;
        if (o.getAutoConfig().hasHttp2ProtocolOptions()) {
          h2 = o.getAutoConfig().getHttp2ProtocolOptions();
        }
      }
      default -> selection = UpstreamProtocolSelection.HTTP1;
    }
    HttpProtocolOptions out = HttpProtocolOptions.of(selection);
    if (h2 != null) {
      Http2Options converted = http2(h2, at);
      if (converted == null) {
        return null;
      }
      out = out.withHttp2(converted);
    }
    var common = o.getCommonHttpProtocolOptions();
    HttpProtocolOptions base = out;
    return at.at("common_http_protocol_options")
        .build(
            () ->
                new HttpProtocolOptions(
                    base.selection(),
                    common.hasIdleTimeout() ? ProtoValues.duration(common.getIdleTimeout()) : base.idleTimeout(),
                    common.hasMaxRequestsPerConnection() ? common.getMaxRequestsPerConnection().getValue() : 0,
                    common.hasMaxHeadersCount() ? common.getMaxHeadersCount().getValue() : base.maxHeadersCount(),
                    base.http2()));
  }

  private static Http2Options http2(io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions o, ValidationErrors errors) {
    Http2Options d = Http2Options.DEFAULT;
    return errors.at("http2_protocol_options")
        .build(
            () ->
                new Http2Options(
                    o.hasMaxConcurrentStreams() ? o.getMaxConcurrentStreams().getValue() : d.maxConcurrentStreams(),
                    o.hasInitialStreamWindowSize() ? o.getInitialStreamWindowSize().getValue() : d.initialStreamWindowSize(),
                    o.hasInitialConnectionWindowSize()
                        ? o.getInitialConnectionWindowSize().getValue()
                        : d.initialConnectionWindowSize()));
  }

  private static UpstreamTlsConfig tls(io.envoyproxy.envoy.config.core.v3.TransportSocket socket, ValidationErrors errors) {
    if (socket.getName().equals("envoy.transport_sockets.raw_buffer") && !socket.hasTypedConfig()) {
      return null;
    }
    if (!socket.hasTypedConfig() || !socket.getTypedConfig().getTypeUrl().equals(TLS_CONTEXT_TYPE_URL)) {
      errors.add("'" + socket.getName() + "' is not supported (expected: envoy.transport_sockets.tls with UpstreamTlsContext)");
      return null;
    }
    UpstreamTlsContext ctx;
    try {
      ctx = socket.getTypedConfig().unpack(UpstreamTlsContext.class);
    } catch (InvalidProtocolBufferException e) {
      errors.add("cannot decode UpstreamTlsContext: " + e.getMessage());
      return null;
    }
    ValidationErrors at = errors.at("typed_config common_tls_context");
    var common = ctx.getCommonTlsContext();
    if (common.getTlsCertificateSdsSecretConfigsCount() > 0 || common.hasValidationContextSdsSecretConfig()
        || common.hasCombinedValidationContext()) {
      at.add("SDS is not supported yet (expected: inline or file data sources)");
      return null;
    }
    String trustedCa = null;
    List<String> sans = new ArrayList<>();
    if (common.hasValidationContext()) {
      var validation = common.getValidationContext();
      if (validation.hasTrustedCa()) {
        trustedCa = data(validation.getTrustedCa(), at.at("validation_context.trusted_ca"));
      }
      for (int i = 0; i < validation.getMatchTypedSubjectAltNamesCount(); i++) {
        var san = validation.getMatchTypedSubjectAltNames(i);
        if (san.getMatcher().getMatchPatternCase()
            != io.envoyproxy.envoy.type.matcher.v3.StringMatcher.MatchPatternCase.EXACT) {
          at.at("validation_context.match_typed_subject_alt_names", i).add("only exact matchers are supported");
        } else {
          sans.add(san.getMatcher().getExact());
        }
      }
    }
    String chain = null;
    String key = null;
    if (common.getTlsCertificatesCount() > 1) {
      at.at("tls_certificates").add("at most one certificate is supported");
    } else if (common.getTlsCertificatesCount() == 1) {
      var cert = common.getTlsCertificates(0);
      chain = data(cert.getCertificateChain(), at.at("tls_certificates[0].certificate_chain"));
      key = data(cert.getPrivateKey(), at.at("tls_certificates[0].private_key"));
    }
    String ca = trustedCa;
    String c = chain;
    String k = key;
    return errors.build(() -> new UpstreamTlsConfig(ctx.getSni(), common.getAlpnProtocolsList(), ca, sans, c, k));
  }

  private static String data(DataSource source, ValidationErrors errors) {
    return switch (source.getSpecifierCase()) {
      case INLINE_STRING -> source.getInlineString();
      case INLINE_BYTES -> source.getInlineBytes().toString(StandardCharsets.UTF_8);
      case FILENAME -> {
        try {
          yield Files.readString(Path.of(source.getFilename()));
        } catch (IOException e) {
          errors.add("cannot read " + source.getFilename() + ": " + e.getMessage());
          yield null;
        }
      }
      default -> {
        errors.add(source.getSpecifierCase() + " (expected: inline_string, inline_bytes or filename)");
        yield null;
      }
    };
  }

  /** {@code slow_start_config}: a window is required; aggression and minimum weight have Envoy's defaults. */
  private static SlowStart slowStart(Cluster.SlowStartConfig cfg, ValidationErrors errors) {
    if (!cfg.hasSlowStartWindow()) {
      errors.at("slow_start_window").add("required");
      return null;
    }
    double aggression = cfg.hasAggression() ? cfg.getAggression().getDefaultValue() : SlowStart.DEFAULT_AGGRESSION;
    double min = cfg.hasMinWeightPercent() ? cfg.getMinWeightPercent().getValue() : SlowStart.DEFAULT_MIN_WEIGHT_PERCENT;
    java.time.Duration window = ProtoValues.duration(cfg.getSlowStartWindow());
    return errors.build(() -> new SlowStart(window, aggression, min));
  }
}
