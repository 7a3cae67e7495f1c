package io.trellis.proxy.xds;

import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.type.v3.CodecClientType;
import io.envoyproxy.envoy.type.v3.Int64Range;
import io.trellis.proxy.config.cluster.CircuitBreakers;
import io.trellis.proxy.config.cluster.HealthCheck;
import io.trellis.proxy.config.cluster.OutlierDetection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CDS, the resiliency part of a {@code Cluster}: {@code circuit_breakers}, {@code outlier_detection}
 * and {@code health_checks} into their records. Absent fields take Envoy's defaults; fields Trellis
 * does not implement are rejected with their path rather than silently changing what the
 * configuration means.
 */
public final class ClusterResilience {
  private ClusterResilience() {}

  /**
   * {@code circuit_breakers}: thresholds with their retry budgets, and per-host thresholds (only
   * {@code max_connections}, as in Envoy). A priority given twice is rejected.
   */
  public static CircuitBreakers circuitBreakers(io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers proto,
      ValidationErrors errors) {
    CircuitBreakers.Thresholds def = CircuitBreakers.Thresholds.DEFAULT;
    CircuitBreakers.Thresholds high = CircuitBreakers.Thresholds.DEFAULT;
    boolean seenDefault = false;
    boolean seenHigh = false;
    boolean ok = true;
    for (int i = 0; i < proto.getThresholdsCount(); i++) {
      var t = proto.getThresholds(i);
      ValidationErrors at = errors.at("thresholds", i);
      if (t.getPriority() == RoutingPriority.UNRECOGNIZED) {
        at.at("priority").add(t.getPriorityValue() + " (expected: DEFAULT or HIGH)");
        ok = false;
        continue;
      }
      boolean isHigh = t.getPriority() == RoutingPriority.HIGH;
      if (!at.check(isHigh ? !seenHigh : !seenDefault, "priority " + t.getPriority() + " given twice (expected: once)")) {
        ok = false;
        continue;
      }
      CircuitBreakers.RetryBudget budget = null;
      if (t.hasRetryBudget()) {
        budget = retryBudget(t.getRetryBudget(), at.at("retry_budget"));
        if (budget == null) {
          ok = false;
          continue;
        }
      }
      CircuitBreakers.RetryBudget retryBudget = budget;
      CircuitBreakers.Thresholds built = at.build(() -> new CircuitBreakers.Thresholds(
          t.hasMaxConnections() ? Integer.toUnsignedLong(t.getMaxConnections().getValue()) : CircuitBreakers.Thresholds.DEFAULT_MAX_CONNECTIONS,
          t.hasMaxPendingRequests() ? Integer.toUnsignedLong(t.getMaxPendingRequests().getValue())
              : CircuitBreakers.Thresholds.DEFAULT_MAX_PENDING_REQUESTS,
          t.hasMaxRequests() ? Integer.toUnsignedLong(t.getMaxRequests().getValue()) : CircuitBreakers.Thresholds.DEFAULT_MAX_REQUESTS,
          t.hasMaxRetries() ? Integer.toUnsignedLong(t.getMaxRetries().getValue()) : CircuitBreakers.Thresholds.DEFAULT_MAX_RETRIES,
          t.hasMaxConnectionPools() ? Integer.toUnsignedLong(t.getMaxConnectionPools().getValue()) : CircuitBreakers.Thresholds.UNLIMITED,
          t.getTrackRemaining(), retryBudget));
      if (built == null) {
        ok = false;
        continue;
      }
      if (isHigh) {
        seenHigh = true;
        high = built;
      } else {
        seenDefault = true;
        def = built;
      }
    }
    // per_host_thresholds: Envoy reads only max_connections per host and ignores the other fields; so do we
    long perHostDefault = CircuitBreakers.Thresholds.UNLIMITED;
    long perHostHigh = CircuitBreakers.Thresholds.UNLIMITED;
    boolean seenHostDefault = false;
    boolean seenHostHigh = false;
    for (int i = 0; i < proto.getPerHostThresholdsCount(); i++) {
      var t = proto.getPerHostThresholds(i);
      ValidationErrors at = errors.at("per_host_thresholds", i);
      if (t.getPriority() == RoutingPriority.UNRECOGNIZED) {
        at.at("priority").add(t.getPriorityValue() + " (expected: DEFAULT or HIGH)");
        ok = false;
        continue;
      }
      boolean isHigh = t.getPriority() == RoutingPriority.HIGH;
      if (!at.check(isHigh ? !seenHostHigh : !seenHostDefault, "priority " + t.getPriority() + " given twice (expected: once)")) {
        ok = false;
        continue;
      }
      long max = t.hasMaxConnections() ? Integer.toUnsignedLong(t.getMaxConnections().getValue())
          : CircuitBreakers.Thresholds.UNLIMITED;
      if (isHigh) {
        seenHostHigh = true;
        perHostHigh = max;
      } else {
        seenHostDefault = true;
        perHostDefault = max;
      }
    }
    long hostDefault = perHostDefault;
    long hostHigh = perHostHigh;
    CircuitBreakers.Thresholds d = def;
    CircuitBreakers.Thresholds h = high;
    return ok ? errors.build(() -> new CircuitBreakers(d, h, hostDefault, hostHigh)) : null;
  }

  /**
   * {@code retry_budget}: absent fields take Envoy's documented defaults (20%, 3). The API says a set
   * retry_budget overrides max_retries; Envoy's code only switches when one of its fields (or a runtime
   * key) is set, so an empty {@code retry_budget {}} keeps max_retries there. Trellis follows the API.
   */
  private static CircuitBreakers.RetryBudget retryBudget(
      io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers.Thresholds.RetryBudget p, ValidationErrors errors) {
    double percent = p.hasBudgetPercent() ? p.getBudgetPercent().getValue()
        : CircuitBreakers.RetryBudget.DEFAULT_BUDGET_PERCENT;
    long min = p.hasMinRetryConcurrency() ? Integer.toUnsignedLong(p.getMinRetryConcurrency().getValue())
        : CircuitBreakers.RetryBudget.DEFAULT_MIN_RETRY_CONCURRENCY;
    return errors.build(() -> new CircuitBreakers.RetryBudget(percent, min));
  }

  /** {@code outlier_detection}; monitors and ejection-time jitter are rejected. */
  public static OutlierDetection outlierDetection(io.envoyproxy.envoy.config.cluster.v3.OutlierDetection p,
      ValidationErrors errors) {
    boolean ok = true;
    if (p.getMonitorsCount() > 0) {
      errors.at("monitors").add("not supported");
      ok = false;
    }
    if (p.hasMaxEjectionTimeJitter() && !ProtoValues.duration(p.getMaxEjectionTimeJitter()).isZero()) {
      errors.at("max_ejection_time_jitter").add("not supported");
      ok = false;
    }
    if (!ok) {
      return null;
    }
    OutlierDetection.Builder b = OutlierDetection.builder();
    if (p.hasConsecutive5Xx()) b.consecutive5xx(u32(p.getConsecutive5Xx().getValue()));
    if (p.hasConsecutiveGatewayFailure()) b.consecutiveGatewayFailure(u32(p.getConsecutiveGatewayFailure().getValue()));
    if (p.hasConsecutiveLocalOriginFailure()) {
      b.consecutiveLocalOriginFailure(u32(p.getConsecutiveLocalOriginFailure().getValue()));
    }
    if (p.hasInterval()) b.interval(ProtoValues.duration(p.getInterval()));
    if (p.hasBaseEjectionTime()) b.baseEjectionTime(ProtoValues.duration(p.getBaseEjectionTime()));
    if (p.hasMaxEjectionTime()) b.maxEjectionTime(ProtoValues.duration(p.getMaxEjectionTime()));
    if (p.hasMaxEjectionPercent()) b.maxEjectionPercent(u32(p.getMaxEjectionPercent().getValue()));
    if (p.hasAlwaysEjectOneHost()) b.alwaysEjectOneHost(p.getAlwaysEjectOneHost().getValue());
    if (p.hasEnforcingConsecutive5Xx()) b.enforcingConsecutive5xx(u32(p.getEnforcingConsecutive5Xx().getValue()));
    if (p.hasEnforcingConsecutiveGatewayFailure()) {
      b.enforcingConsecutiveGatewayFailure(u32(p.getEnforcingConsecutiveGatewayFailure().getValue()));
    }
    if (p.hasEnforcingConsecutiveLocalOriginFailure()) {
      b.enforcingConsecutiveLocalOriginFailure(u32(p.getEnforcingConsecutiveLocalOriginFailure().getValue()));
    }
    if (p.hasEnforcingSuccessRate()) b.enforcingSuccessRate(u32(p.getEnforcingSuccessRate().getValue()));
    if (p.hasEnforcingLocalOriginSuccessRate()) {
      b.enforcingLocalOriginSuccessRate(u32(p.getEnforcingLocalOriginSuccessRate().getValue()));
    }
    if (p.hasEnforcingFailurePercentage()) b.enforcingFailurePercentage(u32(p.getEnforcingFailurePercentage().getValue()));
    if (p.hasEnforcingFailurePercentageLocalOrigin()) {
      b.enforcingFailurePercentageLocalOrigin(u32(p.getEnforcingFailurePercentageLocalOrigin().getValue()));
    }
    if (p.hasSuccessRateMinimumHosts()) b.successRateMinimumHosts(u32(p.getSuccessRateMinimumHosts().getValue()));
    if (p.hasSuccessRateRequestVolume()) b.successRateRequestVolume(u32(p.getSuccessRateRequestVolume().getValue()));
    if (p.hasSuccessRateStdevFactor()) b.successRateStdevFactor(u32(p.getSuccessRateStdevFactor().getValue()));
    if (p.hasFailurePercentageThreshold()) b.failurePercentageThreshold(u32(p.getFailurePercentageThreshold().getValue()));
    if (p.hasFailurePercentageMinimumHosts()) {
      b.failurePercentageMinimumHosts(u32(p.getFailurePercentageMinimumHosts().getValue()));
    }
    if (p.hasFailurePercentageRequestVolume()) {
      b.failurePercentageRequestVolume(u32(p.getFailurePercentageRequestVolume().getValue()));
    }
    b.splitExternalLocalOriginErrors(p.getSplitExternalLocalOriginErrors());
    if (p.hasSuccessfulActiveHealthCheckUnejectHost()) {
      b.successfulActiveHealthCheckUnejectHost(p.getSuccessfulActiveHealthCheckUnejectHost().getValue());
    }
    return errors.build(b::build);
  }

  /** uint32 values above int range become negative, so the record's range check names them. */
  private static int u32(int raw) {
    return raw < 0 ? Integer.MIN_VALUE : raw;
  }

  /** {@code health_checks} of a cluster whose errors go to {@code errors} (the cluster's collector). */
  public static List<HealthCheck> healthChecks(List<io.envoyproxy.envoy.config.core.v3.HealthCheck> protos,
      ValidationErrors errors) {
    if (protos.size() > 1) {
      errors.at("health_checks").add(protos.size() + " entries (expected: at most one, as Envoy supports)");
      return null;
    }
    List<HealthCheck> out = new ArrayList<>();
    for (int i = 0; i < protos.size(); i++) {
      HealthCheck hc = healthCheck(protos.get(i), errors.at("health_checks", i));
      if (hc == null) {
        return null;
      }
      out.add(hc);
    }
    return out;
  }

  private static HealthCheck healthCheck(io.envoyproxy.envoy.config.core.v3.HealthCheck p, ValidationErrors errors) {
    int before = errors.messages().size();
    errors.check(p.hasTimeout(), "timeout: absent (expected: a duration > 0)");
    errors.check(p.hasInterval(), "interval: absent (expected: a duration > 0)");
    errors.check(p.hasUnhealthyThreshold(), "unhealthy_threshold: absent (expected: >= 1)");
    errors.check(p.hasHealthyThreshold(), "healthy_threshold: absent (expected: >= 1)");
    for (String unsupported : unsupportedFields(p)) {
      errors.at(unsupported).add("not supported");
    }
    HealthCheck.Protocol protocol = switch (p.getHealthCheckerCase()) {
      case HTTP_HEALTH_CHECK -> http(p.getHttpHealthCheck(), errors.at("http_health_check"));
      case TCP_HEALTH_CHECK -> tcp(p.getTcpHealthCheck(), errors.at("tcp_health_check"));
      case GRPC_HEALTH_CHECK -> grpc(p.getGrpcHealthCheck(), errors.at("grpc_health_check"));
      case CUSTOM_HEALTH_CHECK -> {
        errors.at("custom_health_check").add("not supported");
        yield null;
      }
      case HEALTHCHECKER_NOT_SET -> {
        errors.add("health_checker: absent (expected: http_health_check, grpc_health_check or tcp_health_check)");
        yield null;
      }
    };
    if (errors.messages().size() > before || protocol == null) {
      return null;
    }
    Duration interval = ProtoValues.duration(p.getInterval());
    return errors.build(() -> new HealthCheck(
        ProtoValues.duration(p.getTimeout()),
        interval,
        p.hasInitialJitter() ? ProtoValues.duration(p.getInitialJitter()) : Duration.ZERO,
        p.hasIntervalJitter() ? ProtoValues.duration(p.getIntervalJitter()) : Duration.ZERO,
        p.getIntervalJitterPercent(),
        u32(p.getUnhealthyThreshold().getValue()),
        u32(p.getHealthyThreshold().getValue()),
        p.hasNoTrafficInterval() ? ProtoValues.duration(p.getNoTrafficInterval()) : HealthCheck.DEFAULT_NO_TRAFFIC_INTERVAL,
        p.hasUnhealthyInterval() ? ProtoValues.duration(p.getUnhealthyInterval()) : interval,
        protocol,
        !p.hasReuseConnection() || p.getReuseConnection().getValue()));
  }

  private static List<String> unsupportedFields(io.envoyproxy.envoy.config.core.v3.HealthCheck p) {
    List<String> out = new ArrayList<>();
    if (p.hasAltPort()) out.add("alt_port");
    if (p.hasNoTrafficHealthyInterval()) out.add("no_traffic_healthy_interval");
    if (p.hasUnhealthyEdgeInterval()) out.add("unhealthy_edge_interval");
    if (p.hasHealthyEdgeInterval()) out.add("healthy_edge_interval");
    if (p.hasTlsOptions()) out.add("tls_options");
    if (p.hasTransportSocketMatchCriteria()) out.add("transport_socket_match_criteria");
    if (p.hasEventService()) out.add("event_service");
    return out;
  }

  private static HealthCheck.Protocol http(io.envoyproxy.envoy.config.core.v3.HealthCheck.HttpHealthCheck h,
      ValidationErrors errors) {
    int before = errors.messages().size();
    if (h.getCodecClientType() != CodecClientType.HTTP1 && h.getCodecClientType() != CodecClientType.HTTP2) {
      errors.at("codec_client_type").add(h.getCodecClientType() + " is not supported (expected: HTTP1 or HTTP2)");
    }
    if (h.hasServiceNameMatcher()) errors.at("service_name_matcher").add("not supported");
    if (h.hasSend() || h.getReceiveCount() > 0) errors.at(h.hasSend() ? "send" : "receive").add("not supported");
    if (h.getRequestHeadersToRemoveCount() > 0) errors.at("request_headers_to_remove").add("not supported");
    switch (h.getMethod()) {
      case METHOD_UNSPECIFIED, GET -> {}
      default -> errors.at("method").add(h.getMethod() + " is not supported (expected: GET)");
    }
    List<HealthCheck.StatusRange> expected = ranges(h.getExpectedStatusesList(), errors, "expected_statuses");
    List<HealthCheck.StatusRange> retriable = ranges(h.getRetriableStatusesList(), errors, "retriable_statuses");
    Map<String, String> headers = new LinkedHashMap<>();
    for (var option : h.getRequestHeadersToAddList()) {
      headers.put(option.getHeader().getKey(), option.getHeader().getValue());
    }
    if (errors.messages().size() > before) {
      return null;
    }
    boolean http2 = h.getCodecClientType() == CodecClientType.HTTP2;
    return errors.build(() -> new HealthCheck.Http(h.getPath(), h.getHost(), expected, retriable, headers, http2));
  }

  /** {@code grpc_health_check}: service_name, authority and initial_metadata. */
  private static HealthCheck.Protocol grpc(io.envoyproxy.envoy.config.core.v3.HealthCheck.GrpcHealthCheck g,
      ValidationErrors errors) {
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = 0; i < g.getInitialMetadataCount(); i++) {
      String key = g.getInitialMetadata(i).getHeader().getKey();
      if (key.isEmpty() || key.startsWith(":") || !key.equals(key.toLowerCase(java.util.Locale.ROOT))) {
        errors.at("initial_metadata", i).at("header").at("key")
            .add("'" + key + "' (expected: a lower-case header name, not a pseudo-header)");
        return null;
      }
      metadata.put(key, g.getInitialMetadata(i).getHeader().getValue());
    }
    return errors.build(() -> new HealthCheck.Grpc(g.getServiceName(), g.getAuthority(), metadata));
  }

  private static List<HealthCheck.StatusRange> ranges(List<Int64Range> protos, ValidationErrors errors, String field) {
    List<HealthCheck.StatusRange> out = new ArrayList<>();
    for (int i = 0; i < protos.size(); i++) {
      Int64Range r = protos.get(i);
      HealthCheck.StatusRange range = errors.at(field, i).build(() -> new HealthCheck.StatusRange(
          (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r.getStart())),
          (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r.getEnd()))));
      if (range != null) {
        out.add(range);
      }
    }
    return out;
  }

  private static HealthCheck.Protocol tcp(io.envoyproxy.envoy.config.core.v3.HealthCheck.TcpHealthCheck t,
      ValidationErrors errors) {
    int before = errors.messages().size();
    byte[] send = t.hasSend() ? payload(t.getSend(), errors.at("send")) : new byte[0];
    List<byte[]> receive = new ArrayList<>();
    for (int i = 0; i < t.getReceiveCount(); i++) {
      receive.add(payload(t.getReceive(i), errors.at("receive", i)));
    }
    if (errors.messages().size() > before) {
      return null;
    }
    return new HealthCheck.Tcp(send, receive);
  }

  private static byte[] payload(io.envoyproxy.envoy.config.core.v3.HealthCheck.Payload p, ValidationErrors errors) {
    return switch (p.getPayloadCase()) {
      case TEXT -> {
        try {
          yield HexFormat.of().parseHex(p.getText());
        } catch (IllegalArgumentException e) {
          errors.at("text").add("'" + p.getText() + "' (expected: hex digits, two per byte)");
          yield new byte[0];
        }
      }
      case BINARY -> p.getBinary().toByteArray();
      case PAYLOAD_NOT_SET -> {
        errors.add("payload: absent (expected: text or binary)");
        yield new byte[0];
      }
    };
  }
}
