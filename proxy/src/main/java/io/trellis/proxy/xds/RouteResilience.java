package io.trellis.proxy.xds;

import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.HeaderMatcher;
import io.trellis.proxy.config.route.RequestMirrorPolicy;
import io.trellis.proxy.config.route.RetryPolicy;
import io.trellis.proxy.config.route.RetryPolicy.RetryOn;
import io.trellis.proxy.config.route.Route;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The resilience parts of a route, converted apart from the rest of RDS: {@code RouteAction}'s
 * {@code retry_policy}, {@code request_mirror_policies} and {@code max_stream_duration}, the virtual
 * host's {@code retry_policy} (used when the route has none, as Envoy does), its attempt-count flags,
 * and {@code per_request_buffer_limit_bytes} (the route's over the virtual host's). What the router
 * cannot honour (other host predicates, retry priorities, request-header conditions) is rejected, not
 * ignored, so a control plane learns it from the NACK.
 */
final class RouteResilience {
  static final String PREVIOUS_HOSTS = "envoy.retry_host_predicates.previous_hosts";
  static final String PREVIOUS_HOSTS_TYPE =
      "type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate";
  /** Tokens Envoy accepts that have nothing to act on here: there are no HTTP/3 upstreams. */
  private static final Set<String> NOTHING_TO_DO = Set.of("http3-post-connect-failure");

  private RouteResilience() {}

  /**
   * Returns {@code route} with its forward action completed from {@code proto} and {@code vh}, or
   * {@code null} after recording errors (under {@code errors}, the route's path). Routes that do not
   * forward, and {@code null} (a route already rejected), pass through.
   */
  static Route apply(VirtualHost vh, io.envoyproxy.envoy.config.route.v3.Route proto, Route route, ValidationErrors errors) {
    if (route == null || !(route.action() instanceof ForwardAction action) || !proto.hasRoute()) {
      return route;
    }
    int before = errors.messages().size();
    var a = proto.getRoute();
    ValidationErrors at = errors.at("route");
    ForwardAction.Builder b = action.toBuilder();
    RetryPolicy retry = null;
    if (a.hasRetryPolicy()) {
      retry = retryPolicy(a.getRetryPolicy(), at.at("retry_policy"));
    } else if (vh.hasRetryPolicy()) {
      retry = retryPolicy(vh.getRetryPolicy(), errors.at("virtual_host retry_policy"));
    }
    if (a.hasRetryPolicyTypedConfig() || vh.hasRetryPolicyTypedConfig()) {
      at.add("retry_policy_typed_config is not supported");
    }
    b.retryPolicy(retry);
    List<RequestMirrorPolicy> mirrors = new ArrayList<>();
    for (int i = 0; i < a.getRequestMirrorPoliciesCount(); i++) {
      RequestMirrorPolicy m = mirror(a.getRequestMirrorPolicies(i), at.at("request_mirror_policies", i));
      if (m != null) {
        mirrors.add(m);
      }
    }
    b.requestMirrorPolicies(mirrors);
    if (a.hasMaxStreamDuration() && a.getMaxStreamDuration().hasMaxStreamDuration()) {
      b.maxStreamDuration(ProtoValues.duration(a.getMaxStreamDuration().getMaxStreamDuration()));
    }
    if (a.hasMaxStreamDuration() && a.getMaxStreamDuration().hasGrpcTimeoutHeaderOffset()
        && !ProtoValues.duration(a.getMaxStreamDuration().getGrpcTimeoutHeaderOffset()).isZero()) {
      // rejected rather than ignored: ignoring it would give a gRPC call more time than configured
      at.at("max_stream_duration").at("grpc_timeout_header_offset").add("not supported");
    }
    b.includeAttemptCount(vh.getIncludeRequestAttemptCount(), vh.getIncludeAttemptCountInResponse());
    b.includeIsTimeoutRetryHeader(vh.getIncludeIsTimeoutRetryHeader());
    if (proto.hasPerRequestBufferLimitBytes()) {
      b.bufferLimitBytes(proto.getPerRequestBufferLimitBytes().getValue());
    } else if (vh.hasPerRequestBufferLimitBytes()) {
      b.bufferLimitBytes(vh.getPerRequestBufferLimitBytes().getValue());
    }
    if (errors.messages().size() > before) {
      return null;
    }
    ForwardAction converted = at.build(b::build);
    return converted == null ? null : new Route(route.name(), route.match(), converted, route.headers(), route.typedPerFilterConfig());
  }

  static RetryPolicy retryPolicy(io.envoyproxy.envoy.config.route.v3.RetryPolicy p, ValidationErrors errors) {
    int before = errors.messages().size();
    EnumSet<RetryOn> on = EnumSet.noneOf(RetryOn.class);
    for (String token : p.getRetryOn().split(",")) {
      String t = token.trim();
      if (t.isEmpty() || NOTHING_TO_DO.contains(t)) {
        continue;
      }
      RetryOn r = RetryOn.of(t);
      if (r == null) {
        errors.add("retry_on: '" + t + "' (expected: 5xx, gateway-error, reset, reset-before-request, connect-failure,"
            + " retriable-4xx, refused-stream, retriable-status-codes, retriable-headers, cancelled,"
            + " deadline-exceeded, internal, resource-exhausted or unavailable)");
      } else {
        on.add(r);
      }
    }
    RetryPolicy.Builder b = RetryPolicy.builder().retryOn(on);
    if (p.hasNumRetries()) {
      b.numRetries(p.getNumRetries().getValue());
    }
    if (p.hasPerTryTimeout()) {
      b.perTryTimeout(ProtoValues.duration(p.getPerTryTimeout()));
    }
    if (p.hasPerTryIdleTimeout()) {
      b.perTryIdleTimeout(ProtoValues.duration(p.getPerTryIdleTimeout()));
    }
    b.retriableStatusCodes(p.getRetriableStatusCodesList());
    List<HeaderMatcher> headers = new ArrayList<>();
    for (int i = 0; i < p.getRetriableHeadersCount(); i++) {
      HeaderMatcher h = RouteConfigurationResource.headerMatcher(p.getRetriableHeaders(i), errors.at("retriable_headers", i));
      if (h != null) {
        headers.add(h);
      }
    }
    b.retriableHeaders(headers);
    boolean previousHosts = false;
    for (int i = 0; i < p.getRetryHostPredicateCount(); i++) {
      var pred = p.getRetryHostPredicate(i);
      boolean isPrevious = pred.hasTypedConfig()
          ? pred.getTypedConfig().getTypeUrl().equals(PREVIOUS_HOSTS_TYPE)
          : pred.getName().equals(PREVIOUS_HOSTS);
      if (isPrevious) {
        previousHosts = true;
      } else {
        String what = pred.hasTypedConfig() ? pred.getTypedConfig().getTypeUrl() : pred.getName();
        errors.at("retry_host_predicate", i).add("'" + what + "' is not supported (expected: " + PREVIOUS_HOSTS + ")");
      }
    }
    b.previousHosts(previousHosts);
    if (p.getHostSelectionRetryMaxAttempts() > Integer.MAX_VALUE) {
      errors.add("host_selection_retry_max_attempts: " + p.getHostSelectionRetryMaxAttempts() + " (expected: <= " + Integer.MAX_VALUE + ")");
    } else if (p.getHostSelectionRetryMaxAttempts() > 0) {
      b.hostSelectionRetryMaxAttempts((int) p.getHostSelectionRetryMaxAttempts());
    }
    if (p.hasRetryBackOff()) {
      var bo = p.getRetryBackOff();
      if (!bo.hasBaseInterval()) {
        errors.at("retry_back_off").add("base_interval: none (expected: a duration > 0)");
      }
      b.backOff(bo.hasBaseInterval() ? ProtoValues.duration(bo.getBaseInterval()) : null,
          bo.hasMaxInterval() ? ProtoValues.duration(bo.getMaxInterval()) : null);
    }
    if (p.hasRetryPriority()) {
      errors.add("retry_priority: '" + p.getRetryPriority().getName() + "' is not supported");
    }
    if (p.getRetriableRequestHeadersCount() > 0) {
      errors.add("retriable_request_headers is not supported");
    }
    if (p.getRetryOptionsPredicatesCount() > 0) {
      errors.add("retry_options_predicates is not supported");
    }
    if (p.hasRateLimitedRetryBackOff()) {
      errors.add("rate_limited_retry_back_off is not supported");
    }
    if (errors.messages().size() > before) {
      return null;
    }
    return errors.build(b::build);
  }

  static RequestMirrorPolicy mirror(io.envoyproxy.envoy.config.route.v3.RouteAction.RequestMirrorPolicy m, ValidationErrors errors) {
    if (!m.getClusterHeader().isEmpty()) {
      errors.add("cluster_header is not supported (expected: cluster)");
      return null;
    }
    long numerator = 100;
    long denominator = 100;
    if (m.hasRuntimeFraction()) {
      FractionalPercent f = m.getRuntimeFraction().getDefaultValue();
      numerator = f.getNumerator();
      denominator = switch (f.getDenominator()) {
        case HUNDRED -> 100;
        case TEN_THOUSAND -> 10_000;
        case MILLION -> 1_000_000;
        default -> {
          errors.at("runtime_fraction").add("default_value.denominator: " + f.getDenominator() + " (expected: HUNDRED, TEN_THOUSAND or MILLION)");
          yield 0;
        }
      };
      if (denominator == 0) {
        return null;
      }
    }
    long n = numerator;
    long d = denominator;
    return errors.build(() -> new RequestMirrorPolicy(m.getCluster(), Math.min(n, d), d, m.getDisableShadowHostSuffixAppend()));
  }
}
