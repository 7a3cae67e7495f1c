package io.trellis.control.translate;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.cluster.v3.UpstreamConnectionOptions;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.Http1ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.TcpKeepalive;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.ExplicitHttpConfig;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.envoyproxy.envoy.type.v3.Percent;
import io.trellis.api.model.networking.ClientTlsSettings;
import io.trellis.api.model.networking.ConnectionPoolSettings;
import io.trellis.api.model.networking.LoadBalancerSettings;
import io.trellis.control.model.PushContext;
import io.trellis.control.registry.MeshService;
import io.trellis.control.registry.ServiceEndpoint;
import io.trellis.control.registry.ServiceRegistry;
import java.util.List;
import java.util.TreeSet;

/**
 * Clusters (CDS). Outbound clusters carry a DestinationRule's traffic policy the way Istio
 * expresses it: load balancer → {@code lb_policy} (+ ring hash / Maglev config), connection pool →
 * circuit breaker thresholds, connect timeout, keepalive and HTTP protocol options, outlier
 * detection → {@code outlier_detection}, TLS → an upstream TLS transport socket. Without a
 * policy, Istio's defaults: LEAST_REQUEST, 10 s connect timeout, circuit breakers wide open.
 */
public final class ClusterGenerator {
  /** Istio's default connect timeout (MeshConfig connectTimeout). */
  static final java.time.Duration DEFAULT_CONNECT_TIMEOUT = java.time.Duration.ofSeconds(10);
  /**
   * Istio sets every threshold to the uint32 maximum (4294967295) so that only a DestinationRule
   * limits traffic; Java's int carries the same 32 bits.
   */
  static final int UNLIMITED = (int) 0xFFFF_FFFFL;

  private ClusterGenerator() {}

  /**
   * The outbound cluster for one target.
   *
   * @param proxyless whether the client is gRPC's xDS client, which takes only EDS clusters and no
   *     Envoy-only extensions (HTTP protocol options, TLS via SDS)
   */
  static Cluster outbound(PushContext ctx, ClusterTarget t, String proxyLocality, boolean proxyless) {
    return ctx.memo(t.memoKey("cluster", proxyLocality, proxyless), () -> outbound(t, ctx.registry(), proxyLocality, proxyless));
  }

  static Cluster outbound(ClusterTarget t, ServiceRegistry registry, String proxyLocality, boolean proxyless) {
    EffectivePolicy p = t.policy();
    Cluster.Builder c = Cluster.newBuilder().setName(t.name());
    ConnectionPoolSettings pool = p.connectionPool();
    java.time.Duration connectTimeout =
        pool != null && pool.tcp() != null && pool.tcp().connectTimeout() != null ? pool.tcp().connectTimeout() : DEFAULT_CONNECT_TIMEOUT;
    c.setConnectTimeout(Envoy.duration(connectTimeout));

    if (t.passthroughLb() || t.service().resolution() == MeshService.Resolution.NONE) {
      c.setType(Cluster.DiscoveryType.ORIGINAL_DST).setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED);
    } else {
      switch (t.service().resolution()) {
        case STATIC ->
            c.setType(Cluster.DiscoveryType.EDS)
                .setEdsClusterConfig(Cluster.EdsClusterConfig.newBuilder().setEdsConfig(Envoy.ADS).setServiceName(t.name()));
        case DNS, DNS_ROUND_ROBIN -> {
          c.setType(t.service().resolution() == MeshService.Resolution.DNS ? Cluster.DiscoveryType.STRICT_DNS : Cluster.DiscoveryType.LOGICAL_DNS);
          c.setDnsLookupFamily(Cluster.DnsLookupFamily.V4_ONLY);
          List<ServiceEndpoint> eps = registry.endpoints(t.service(), t.port().port());
          c.setLoadAssignment(EndpointGenerator.loadAssignment(t.name(), eps, t.subsetLabels(), p, proxyLocality));
        }
        default -> throw new IllegalStateException("resolution " + t.service().resolution());
      }
      applyLoadBalancer(c, p.loadBalancer(), proxyless);
      if (EndpointGenerator.usesLocalityWeights(p.loadBalancer(), proxyLocality)) {
        c.setCommonLbConfig(
            c.getCommonLbConfig().toBuilder()
                .setLocalityWeightedLbConfig(Cluster.CommonLbConfig.LocalityWeightedLbConfig.getDefaultInstance()));
      }
    }
    c.setCircuitBreakers(circuitBreakers(pool));
    if (p.outlierDetection() != null) {
      applyOutlierDetection(c, p.outlierDetection());
    }
    if (!proxyless) {
      applyConnectionOptions(c, pool, t.port().protocol().isHttp2() || upgrades(pool), t.port().protocol().isHttp());
      if (p.tls() != null && p.tls().mode() != ClientTlsSettings.TlsMode.DISABLE) {
        c.setTransportSocket(upstreamTls(t, p.tls(), registry));
      }
    }
    return c.build();
  }

  private static boolean upgrades(ConnectionPoolSettings pool) {
    return pool != null && pool.http() != null && pool.http().h2UpgradePolicy() == ConnectionPoolSettings.HttpSettings.H2UpgradePolicy.UPGRADE;
  }

  private static void applyLoadBalancer(Cluster.Builder c, LoadBalancerSettings lb, boolean proxyless) {
    // Istio's default is LEAST_REQUEST; gRPC's client balances round robin unless told otherwise.
    Cluster.LbPolicy policy = proxyless ? Cluster.LbPolicy.ROUND_ROBIN : Cluster.LbPolicy.LEAST_REQUEST;
    if (lb != null && lb.simple() != null) {
      policy =
          switch (lb.simple()) {
            case ROUND_ROBIN -> Cluster.LbPolicy.ROUND_ROBIN;
            case RANDOM -> Cluster.LbPolicy.RANDOM;
            case LEAST_CONN, LEAST_REQUEST -> Cluster.LbPolicy.LEAST_REQUEST;
            default -> policy;
          };
    }
    if (lb != null && lb.consistentHash() != null) {
      LoadBalancerSettings.ConsistentHashLb h = lb.consistentHash();
      if (h.maglev() != null && !proxyless) {
        policy = Cluster.LbPolicy.MAGLEV;
        if (h.maglev().tableSize() > 0) {
          c.setMaglevLbConfig(Cluster.MaglevLbConfig.newBuilder().setTableSize(com.google.protobuf.UInt64Value.of(h.maglev().tableSize())));
        }
      } else {
        policy = Cluster.LbPolicy.RING_HASH;
        long min = h.ringHash() != null && h.ringHash().minimumRingSize() > 0 ? h.ringHash().minimumRingSize() : h.minimumRingSize();
        c.setRingHashLbConfig(
            Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(com.google.protobuf.UInt64Value.of(min > 0 ? min : 1024)));
      }
    }
    c.setLbPolicy(policy);
    if (lb != null && lb.warmupDurationSecs() != null && !proxyless) {
      // Istio's warmupDurationSecs: Envoy's slow start, which only these two policies have.
      Cluster.SlowStartConfig ramp = Cluster.SlowStartConfig.newBuilder().setSlowStartWindow(Envoy.duration(lb.warmupDurationSecs())).build();
      if (policy == Cluster.LbPolicy.ROUND_ROBIN) {
        c.setRoundRobinLbConfig(Cluster.RoundRobinLbConfig.newBuilder().setSlowStartConfig(ramp));
      } else if (policy == Cluster.LbPolicy.LEAST_REQUEST) {
        c.setLeastRequestLbConfig(Cluster.LeastRequestLbConfig.newBuilder().setSlowStartConfig(ramp));
      }
    }
  }

  static CircuitBreakers circuitBreakers(ConnectionPoolSettings pool) {
    CircuitBreakers.Thresholds.Builder t =
        CircuitBreakers.Thresholds.newBuilder()
            .setPriority(RoutingPriority.DEFAULT)
            .setMaxConnections(UInt32Value.of(UNLIMITED))
            .setMaxPendingRequests(UInt32Value.of(UNLIMITED))
            .setMaxRequests(UInt32Value.of(UNLIMITED))
            .setMaxRetries(UInt32Value.of(UNLIMITED))
            .setTrackRemaining(true);
    if (pool != null && pool.tcp() != null && pool.tcp().maxConnections() > 0) {
      t.setMaxConnections(UInt32Value.of(pool.tcp().maxConnections()));
    }
    if (pool != null && pool.http() != null) {
      ConnectionPoolSettings.HttpSettings h = pool.http();
      if (h.http1MaxPendingRequests() > 0) {
        t.setMaxPendingRequests(UInt32Value.of(h.http1MaxPendingRequests()));
      }
      if (h.http2MaxRequests() > 0) {
        t.setMaxRequests(UInt32Value.of(h.http2MaxRequests()));
      }
      if (h.maxRetries() > 0) {
        t.setMaxRetries(UInt32Value.of(h.maxRetries()));
      }
    }
    return CircuitBreakers.newBuilder().addThresholds(t).build();
  }

  private static void applyOutlierDetection(Cluster.Builder c, io.trellis.api.model.networking.OutlierDetection od) {
    OutlierDetection.Builder o = OutlierDetection.newBuilder();
    if (od.consecutiveErrors() > 0) {
      // The deprecated field counts gateway errors only (502, 503, 504), as Istio maps it.
      o.setConsecutiveGatewayFailure(UInt32Value.of(od.consecutiveErrors()))
          .setEnforcingConsecutiveGatewayFailure(UInt32Value.of(100))
          .setEnforcingConsecutive5Xx(UInt32Value.of(0));
    }
    if (od.consecutiveGatewayErrors() != null) {
      int v = od.consecutiveGatewayErrors();
      o.setConsecutiveGatewayFailure(UInt32Value.of(v)).setEnforcingConsecutiveGatewayFailure(UInt32Value.of(v > 0 ? 100 : 0));
    }
    if (od.consecutive5xxErrors() != null) {
      int v = od.consecutive5xxErrors();
      o.setConsecutive5Xx(UInt32Value.of(v)).setEnforcingConsecutive5Xx(UInt32Value.of(v > 0 ? 100 : 0));
    }
    if (od.interval() != null) {
      o.setInterval(Envoy.duration(od.interval()));
    }
    if (od.baseEjectionTime() != null) {
      o.setBaseEjectionTime(Envoy.duration(od.baseEjectionTime()));
    }
    if (od.maxEjectionPercent() > 0) {
      o.setMaxEjectionPercent(UInt32Value.of(od.maxEjectionPercent()));
    }
    if (od.splitExternalLocalOriginErrors()) {
      o.setSplitExternalLocalOriginErrors(true);
      if (od.consecutiveLocalOriginFailures() != null) {
        o.setConsecutiveLocalOriginFailure(UInt32Value.of(od.consecutiveLocalOriginFailures()));
      }
    }
    c.setOutlierDetection(o);
    // minHealthPercent is Envoy's panic threshold: below it, ejected hosts are used again.
    c.setCommonLbConfig(c.getCommonLbConfig().toBuilder().setHealthyPanicThreshold(Percent.newBuilder().setValue(od.minHealthPercent())));
  }

  private static void applyConnectionOptions(Cluster.Builder c, ConnectionPoolSettings pool, boolean http2, boolean http) {
    ConnectionPoolSettings.TcpSettings tcp = pool == null ? null : pool.tcp();
    ConnectionPoolSettings.HttpSettings hs = pool == null ? null : pool.http();
    if (tcp != null && tcp.tcpKeepalive() != null) {
      TcpKeepalive.Builder k = TcpKeepalive.newBuilder();
      if (tcp.tcpKeepalive().probes() > 0) {
        k.setKeepaliveProbes(UInt32Value.of(tcp.tcpKeepalive().probes()));
      }
      if (tcp.tcpKeepalive().time() != null) {
        k.setKeepaliveTime(UInt32Value.of((int) tcp.tcpKeepalive().time().toSeconds()));
      }
      if (tcp.tcpKeepalive().interval() != null) {
        k.setKeepaliveInterval(UInt32Value.of((int) tcp.tcpKeepalive().interval().toSeconds()));
      }
      c.setUpstreamConnectionOptions(UpstreamConnectionOptions.newBuilder().setTcpKeepalive(k));
    }
    if (!http && !http2) {
      return;
    }
    HttpProtocolOptions.Builder common = HttpProtocolOptions.newBuilder();
    boolean commonSet = false;
    if (hs != null && hs.idleTimeout() != null) {
      common.setIdleTimeout(Envoy.duration(hs.idleTimeout()));
      commonSet = true;
    } else if (tcp != null && tcp.idleTimeout() != null) {
      common.setIdleTimeout(Envoy.duration(tcp.idleTimeout()));
      commonSet = true;
    }
    if (hs != null && hs.maxRequestsPerConnection() > 0) {
      common.setMaxRequestsPerConnection(UInt32Value.of(hs.maxRequestsPerConnection()));
      commonSet = true;
    }
    if (tcp != null && tcp.maxConnectionDuration() != null) {
      common.setMaxConnectionDuration(Envoy.duration(tcp.maxConnectionDuration()));
      commonSet = true;
    }
    Http2ProtocolOptions.Builder h2 = Http2ProtocolOptions.newBuilder();
    if (hs != null && hs.maxConcurrentStreams() > 0) {
      h2.setMaxConcurrentStreams(UInt32Value.of(hs.maxConcurrentStreams()));
    }
    io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.Builder options =
        io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder();
    if (hs != null && hs.useClientProtocol()) {
      // useClientProtocol: each request goes upstream in the protocol it arrived in.
      options.setUseDownstreamProtocolConfig(
          io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.UseDownstreamHttpConfig.newBuilder()
              .setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance())
              .setHttp2ProtocolOptions(h2));
    } else {
      ExplicitHttpConfig.Builder explicit = ExplicitHttpConfig.newBuilder();
      if (http2) {
        explicit.setHttp2ProtocolOptions(h2);
      } else {
        explicit.setHttpProtocolOptions(Http1ProtocolOptions.getDefaultInstance());
      }
      options.setExplicitHttpConfig(explicit);
    }
    if (commonSet) {
      options.setCommonHttpProtocolOptions(common);
    }
    c.putTypedExtensionProtocolOptions(Envoy.HTTP_PROTOCOL_OPTIONS, Envoy.any(options.build()));
  }

  private static TransportSocket upstreamTls(ClusterTarget t, ClientTlsSettings tls, ServiceRegistry registry) {
    UpstreamTlsContext.Builder u = UpstreamTlsContext.newBuilder();
    CommonTlsContext.Builder common = CommonTlsContext.newBuilder();
    List<String> sans = tls.subjectAltNames();
    if (tls.mode() == ClientTlsSettings.TlsMode.ISTIO_MUTUAL) {
      common.addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName(Envoy.SDS_DEFAULT).setSdsConfig(Envoy.ADS));
      if (sans.isEmpty()) {
        // Istio verifies the identities the service's workloads run as.
        TreeSet<String> ids = new TreeSet<>();
        for (ServiceEndpoint e : registry.endpoints(t.service(), t.port().port())) {
          if (!e.workload().serviceAccount().isEmpty()) {
            ids.add("spiffe://cluster.local/ns/" + e.workload().namespace() + "/sa/" + e.workload().serviceAccount());
          }
        }
        sans = List.copyOf(ids);
      }
      common.setCombinedValidationContext(
          CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
              .setDefaultValidationContext(validation(sans, null))
              .setValidationContextSdsSecretConfig(SdsSecretConfig.newBuilder().setName(Envoy.SDS_ROOTCA).setSdsConfig(Envoy.ADS)));
      common.addAlpnProtocols("istio-peer-exchange").addAlpnProtocols("istio");
      u.setSni(tls.sni().isEmpty() ? "outbound_." + t.port().port() + "_." + t.subset() + "_." + t.service().hostname() : tls.sni());
    } else {
      if (tls.mode() == ClientTlsSettings.TlsMode.MUTUAL) {
        common.addTlsCertificates(
            TlsCertificate.newBuilder()
                .setCertificateChain(DataSource.newBuilder().setFilename(tls.clientCertificate()))
                .setPrivateKey(DataSource.newBuilder().setFilename(tls.privateKey())));
      }
      if (!Boolean.TRUE.equals(tls.insecureSkipVerify()) && (!tls.caCertificates().isEmpty() || !sans.isEmpty())) {
        common.setValidationContext(validation(sans, tls.caCertificates()));
      }
      String sni = tls.sni().isEmpty() && !t.service().hostname().startsWith("*") ? t.service().hostname() : tls.sni();
      if (!sni.isEmpty()) {
        u.setSni(sni);
      }
    }
    u.setCommonTlsContext(common);
    return TransportSocket.newBuilder().setName(Envoy.TLS_TRANSPORT).setTypedConfig(Envoy.any(u.build())).build();
  }

  private static CertificateValidationContext validation(List<String> sans, String caFile) {
    CertificateValidationContext.Builder v = CertificateValidationContext.newBuilder();
    if (caFile != null && !caFile.isEmpty()) {
      v.setTrustedCa(DataSource.newBuilder().setFilename(caFile));
    }
    for (String san : sans) {
      v.addMatchTypedSubjectAltNames(
          SubjectAltNameMatcher.newBuilder()
              .setSanType(san.startsWith("spiffe://") ? SubjectAltNameMatcher.SanType.URI : SubjectAltNameMatcher.SanType.DNS)
              .setMatcher(StringMatcher.newBuilder().setExact(san)));
    }
    return v.build();
  }

  /** Where traffic to unknown hosts goes under ALLOW_ANY: the address the app dialled. */
  static Cluster passthrough(String name) {
    return Cluster.newBuilder()
        .setName(name)
        .setType(Cluster.DiscoveryType.ORIGINAL_DST)
        .setLbPolicy(Cluster.LbPolicy.CLUSTER_PROVIDED)
        .setConnectTimeout(Envoy.duration(DEFAULT_CONNECT_TIMEOUT))
        .setCircuitBreakers(circuitBreakers(null))
        .build();
  }

  /** A cluster with no endpoints: requests routed here fail with no healthy upstream. */
  static Cluster blackhole() {
    return Cluster.newBuilder()
        .setName(Envoy.BLACKHOLE_CLUSTER)
        .setType(Cluster.DiscoveryType.STATIC)
        .setConnectTimeout(Envoy.duration(DEFAULT_CONNECT_TIMEOUT))
        .setLoadAssignment(ClusterLoadAssignment.newBuilder().setClusterName(Envoy.BLACKHOLE_CLUSTER))
        .build();
  }

  /** The inbound cluster for a workload port: the app on {@code address}. */
  static Cluster inbound(int port, String address, boolean http2) {
    String name = Envoy.inboundCluster(port);
    Cluster.Builder c =
        Cluster.newBuilder()
            .setName(name)
            .setType(Cluster.DiscoveryType.STATIC)
            .setConnectTimeout(Envoy.duration(DEFAULT_CONNECT_TIMEOUT))
            .setLbPolicy(Cluster.LbPolicy.ROUND_ROBIN)
            .setCircuitBreakers(circuitBreakers(null))
            .setLoadAssignment(
                ClusterLoadAssignment.newBuilder()
                    .setClusterName(name)
                    .addEndpoints(
                        io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints.newBuilder()
                            .addLbEndpoints(
                                io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint.newBuilder()
                                    .setEndpoint(io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder().setAddress(Envoy.address(address, port))))));
    if (http2) {
      c.putTypedExtensionProtocolOptions(
          Envoy.HTTP_PROTOCOL_OPTIONS,
          Envoy.any(
              io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions.newBuilder()
                  .setExplicitHttpConfig(ExplicitHttpConfig.newBuilder().setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
                  .build()));
    }
    return c.build();
  }
}
