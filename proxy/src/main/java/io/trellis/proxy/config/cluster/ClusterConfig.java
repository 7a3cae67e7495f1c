package io.trellis.proxy.config.cluster;

import java.time.Duration;
import java.util.Objects;

/**
 * One upstream cluster (Envoy's {@code Cluster}) as the upstream runtime consumes it. Build with
 * {@link #builder(String)}, which starts from Envoy's defaults.
 *
 * @param name {@code name}, non-empty
 * @param type {@code type}
 * @param edsServiceName {@code eds_cluster_config.service_name}; empty means the cluster's name. Only
 *     meaningful for EDS clusters.
 * @param loadAssignment {@code load_assignment}: the endpoints of a STATIC, STRICT_DNS or LOGICAL_DNS
 *     cluster (LOGICAL_DNS: exactly one); {@code null} for EDS and ORIGINAL_DST clusters
 * @param lbPolicy {@code lb_policy} with its settings; ignored by ORIGINAL_DST clusters
 * @param connectTimeout {@code connect_timeout}, default 5 s
 * @param perConnectionBufferLimitBytes {@code per_connection_buffer_limit_bytes}, default 1 MiB: the
 *     write-buffer high water mark of upstream connections
 * @param protocolOptions the HTTP protocol and its options (Envoy's {@code typed_extension_protocol_options}
 *     {@code envoy.extensions.upstreams.http.v3.HttpProtocolOptions})
 * @param tcpKeepalive {@code upstream_connection_options.tcp_keepalive}, or {@code null} for none
 * @param tls the upstream TLS context, or {@code null} for plaintext
 * @param healthyPanicThresholdPercent {@code common_lb_config.healthy_panic_threshold}, default 50:
 *     below this share of healthy hosts the balancer uses every host; 0 disables panic mode
 * @param localityWeightedLb {@code common_lb_config.locality_weighted_lb_config} is set: pick a locality
 *     by its weight first, then a host within it
 * @param dnsLookupFamily {@code dns_lookup_family}, default AUTO
 * @param dnsRefreshRate {@code dns_refresh_rate}, default 5 s
 * @param respectDnsTtl {@code respect_dns_ttl}: re-resolve when the answer's TTL expires instead
 * @param cleanupInterval {@code cleanup_interval}: how long an ORIGINAL_DST host's idle connections
 *     are kept before the host is forgotten, default 5 s
 * @param circuitBreakers {@code circuit_breakers}, Envoy's defaults when absent
 * @param outlierDetection {@code outlier_detection}, or {@code null} for none
 * @param healthChecks {@code health_checks}, possibly empty
 * @param slowStart {@code round_robin_lb_config.slow_start_config} or {@code
 *     least_request_lb_config.slow_start_config}, or {@code null} for none
 */
public record ClusterConfig(
    String name,
    DiscoveryType type,
    String edsServiceName,
    EndpointsConfig loadAssignment,
    LbPolicy lbPolicy,
    Duration connectTimeout,
    int perConnectionBufferLimitBytes,
    HttpProtocolOptions protocolOptions,
    TcpKeepalive tcpKeepalive,
    UpstreamTlsConfig tls,
    double healthyPanicThresholdPercent,
    boolean localityWeightedLb,
    DnsLookupFamily dnsLookupFamily,
    Duration dnsRefreshRate,
    boolean respectDnsTtl,
    Duration cleanupInterval,
    CircuitBreakers circuitBreakers,
    OutlierDetection outlierDetection,
    java.util.List<HealthCheck> healthChecks,
    SlowStart slowStart) {

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  public static final int DEFAULT_PER_CONNECTION_BUFFER_LIMIT_BYTES = 1024 * 1024;
  public static final double DEFAULT_HEALTHY_PANIC_THRESHOLD_PERCENT = 50.0;
  public static final Duration DEFAULT_DNS_REFRESH_RATE = Duration.ofSeconds(5);
  public static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofSeconds(5);

  public ClusterConfig {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("name: '" + name + "' (expected: non-empty)");
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(edsServiceName, "eds_cluster_config.service_name");
    Objects.requireNonNull(lbPolicy, "lb_policy");
    Objects.requireNonNull(protocolOptions, "typed_extension_protocol_options");
    Objects.requireNonNull(dnsLookupFamily, "dns_lookup_family");
    switch (type) {
      case STATIC, STRICT_DNS -> {
        if (loadAssignment == null) {
          loadAssignment = EndpointsConfig.empty(name);
        }
      }
      case LOGICAL_DNS -> {
        if (loadAssignment == null || loadAssignment.localities().size() != 1 || loadAssignment.endpointCount() != 1) {
          throw new IllegalArgumentException("load_assignment: "
              + (loadAssignment == null ? "absent" : loadAssignment.endpointCount() + " endpoints in "
                  + loadAssignment.localities().size() + " localities")
              + " (expected: exactly one endpoint in one locality for a LOGICAL_DNS cluster)");
        }
      }
      case EDS, ORIGINAL_DST -> {
        if (loadAssignment != null) {
          throw new IllegalArgumentException("load_assignment: present (expected: absent for a " + type
              + " cluster, whose endpoints come from " + (type == DiscoveryType.EDS ? "EDS" : "the downstream") + ")");
        }
      }
    }
    if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connect_timeout: " + connectTimeout + " (expected: > 0s)");
    }
    if (perConnectionBufferLimitBytes < 1) {
      throw new IllegalArgumentException(
          "per_connection_buffer_limit_bytes: " + perConnectionBufferLimitBytes + " (expected: >= 1)");
    }
    if (!(healthyPanicThresholdPercent >= 0 && healthyPanicThresholdPercent <= 100)) {
      throw new IllegalArgumentException("common_lb_config.healthy_panic_threshold: "
          + healthyPanicThresholdPercent + " (expected: 0..100 percent)");
    }
    if (dnsRefreshRate == null || dnsRefreshRate.toMillis() < 1) {
      throw new IllegalArgumentException("dns_refresh_rate: " + dnsRefreshRate + " (expected: >= 1ms)");
    }
    if (cleanupInterval == null || cleanupInterval.toMillis() < 1) {
      throw new IllegalArgumentException("cleanup_interval: " + cleanupInterval + " (expected: >= 1ms)");
    }
    Objects.requireNonNull(circuitBreakers, "circuit_breakers");
    healthChecks = java.util.List.copyOf(healthChecks);
    if (healthChecks.size() > 1) {
      throw new IllegalArgumentException("health_checks: " + healthChecks.size()
          + " entries (expected: at most one, as Envoy supports)");
    }
  }

  /** The name under which EDS delivers this cluster's endpoints. */
  public String edsName() {
    return edsServiceName.isEmpty() ? name : edsServiceName;
  }

  /** A builder starting from Envoy's defaults: STATIC, round robin, HTTP/1.1, no endpoints. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder holding this cluster's values. */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.type = type;
    b.edsServiceName = edsServiceName;
    b.loadAssignment = loadAssignment;
    b.lbPolicy = lbPolicy;
    b.connectTimeout = connectTimeout;
    b.perConnectionBufferLimitBytes = perConnectionBufferLimitBytes;
    b.protocolOptions = protocolOptions;
    b.tcpKeepalive = tcpKeepalive;
    b.tls = tls;
    b.healthyPanicThresholdPercent = healthyPanicThresholdPercent;
    b.localityWeightedLb = localityWeightedLb;
    b.dnsLookupFamily = dnsLookupFamily;
    b.dnsRefreshRate = dnsRefreshRate;
    b.respectDnsTtl = respectDnsTtl;
    b.cleanupInterval = cleanupInterval;
    b.circuitBreakers = circuitBreakers;
    b.outlierDetection = outlierDetection;
    b.healthChecks = healthChecks;
    b.slowStart = slowStart;
    return b;
  }

  /** Collects a cluster's values; {@link #build()} validates them. */
  public static final class Builder {
    private final String name;
    private DiscoveryType type = DiscoveryType.STATIC;
    private String edsServiceName = "";
    private EndpointsConfig loadAssignment;
    private LbPolicy lbPolicy = new LbPolicy.RoundRobin();
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private int perConnectionBufferLimitBytes = DEFAULT_PER_CONNECTION_BUFFER_LIMIT_BYTES;
    private HttpProtocolOptions protocolOptions = HttpProtocolOptions.DEFAULT;
    private TcpKeepalive tcpKeepalive;
    private UpstreamTlsConfig tls;
    private double healthyPanicThresholdPercent = DEFAULT_HEALTHY_PANIC_THRESHOLD_PERCENT;
    private boolean localityWeightedLb;
    private DnsLookupFamily dnsLookupFamily = DnsLookupFamily.AUTO;
    private Duration dnsRefreshRate = DEFAULT_DNS_REFRESH_RATE;
    private boolean respectDnsTtl;
    private Duration cleanupInterval = DEFAULT_CLEANUP_INTERVAL;
    private CircuitBreakers circuitBreakers = CircuitBreakers.DEFAULT;
    private OutlierDetection outlierDetection;
    private java.util.List<HealthCheck> healthChecks = java.util.List.of();
    private SlowStart slowStart;

    private Builder(String name) {
      this.name = name;
    }

    public Builder type(DiscoveryType value) {
      type = value;
      return this;
    }

    public Builder edsServiceName(String value) {
      edsServiceName = value;
      return this;
    }

    public Builder loadAssignment(EndpointsConfig value) {
      loadAssignment = value;
      return this;
    }

    public Builder lbPolicy(LbPolicy value) {
      lbPolicy = value;
      return this;
    }

    public Builder connectTimeout(Duration value) {
      connectTimeout = value;
      return this;
    }

    public Builder perConnectionBufferLimitBytes(int value) {
      perConnectionBufferLimitBytes = value;
      return this;
    }

    public Builder protocolOptions(HttpProtocolOptions value) {
      protocolOptions = value;
      return this;
    }

    public Builder tcpKeepalive(TcpKeepalive value) {
      tcpKeepalive = value;
      return this;
    }

    public Builder tls(UpstreamTlsConfig value) {
      tls = value;
      return this;
    }

    public Builder healthyPanicThresholdPercent(double value) {
      healthyPanicThresholdPercent = value;
      return this;
    }

    public Builder localityWeightedLb(boolean value) {
      localityWeightedLb = value;
      return this;
    }

    public Builder dnsLookupFamily(DnsLookupFamily value) {
      dnsLookupFamily = value;
      return this;
    }

    public Builder dnsRefreshRate(Duration value) {
      dnsRefreshRate = value;
      return this;
    }

    public Builder respectDnsTtl(boolean value) {
      respectDnsTtl = value;
      return this;
    }

    public Builder cleanupInterval(Duration value) {
      cleanupInterval = value;
      return this;
    }

    public Builder circuitBreakers(CircuitBreakers value) {
      circuitBreakers = value;
      return this;
    }

    /** {@code null} turns outlier detection off. */
    public Builder outlierDetection(OutlierDetection value) {
      outlierDetection = value;
      return this;
    }

    public Builder healthChecks(java.util.List<HealthCheck> value) {
      healthChecks = value;
      return this;
    }

    /** {@code null} for none (the default). */
    public Builder slowStart(SlowStart value) {
      slowStart = value;
      return this;
    }

    public ClusterConfig build() {
      return new ClusterConfig(name, type, edsServiceName, loadAssignment, lbPolicy, connectTimeout,
          perConnectionBufferLimitBytes, protocolOptions, tcpKeepalive, tls, healthyPanicThresholdPercent,
          localityWeightedLb, dnsLookupFamily, dnsRefreshRate, respectDnsTtl, cleanupInterval,
          circuitBreakers, outlierDetection, healthChecks, slowStart);
    }
  }
}
