package io.trellis.proxy.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.extensions.filters.common.fault.v3.FaultDelay;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.FaultAbort;
import io.envoyproxy.envoy.extensions.filters.http.fault.v3.HTTPFault;
import io.envoyproxy.envoy.type.v3.FractionalPercent;
import io.trellis.proxy.config.route.HeaderMatcher;
import io.trellis.proxy.http.filter.fault.FaultConfig;
import io.trellis.proxy.http.filter.fault.FaultFilterProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Envoy's {@code HTTPFault} — a fault filter's own config or a route's override — into
 * {@link FaultConfig}. Fields that would change which requests are faulted but are not implemented
 * (upstream_cluster, downstream_nodes, response_rate_limit, runtime keys) are rejected rather than
 * ignored, so a control plane learns from the NACK that its intent is not being carried out.
 */
final class HttpFaultConfigs {

  private HttpFaultConfigs() {}

  static boolean handles(String typeUrl) {
    return typeUrl.equals(FaultFilterProvider.TYPE_URL);
  }

  /** Unpacks and converts, or records why not and returns {@code null}. */
  static FaultConfig fromAny(Any any, ValidationErrors errors) {
    try {
      return convert(any.unpack(HTTPFault.class), errors);
    } catch (InvalidProtocolBufferException e) {
      errors.add("cannot decode HTTPFault: " + e.getMessage());
      return null;
    }
  }

  static FaultConfig convert(HTTPFault fault, ValidationErrors errors) {
    int before = errors.messages().size();
    errors.check(fault.getUpstreamCluster().isEmpty(), "upstream_cluster: not supported");
    errors.check(fault.getDownstreamNodesCount() == 0, "downstream_nodes: not supported");
    errors.check(!fault.hasResponseRateLimit(), "response_rate_limit: not supported");
    FaultConfig.Delay delay = fault.hasDelay() ? delay(fault.getDelay(), errors.at("delay")) : null;
    FaultConfig.Abort abort = fault.hasAbort() ? abort(fault.getAbort(), errors.at("abort")) : null;
    List<HeaderMatcher> headers = new ArrayList<>();
    for (int i = 0; i < fault.getHeadersCount(); i++) {
      HeaderMatcher h = RouteConfigurationResource.headerMatcher(fault.getHeaders(i), errors.at("headers", i));
      if (h != null) {
        headers.add(h);
      }
    }
    Integer maxActive = fault.hasMaxActiveFaults() ? fault.getMaxActiveFaults().getValue() : null;
    if (errors.messages().size() > before) {
      return null;
    }
    return errors.build(() -> new FaultConfig(delay, abort, headers, maxActive));
  }

  private static FaultConfig.Delay delay(FaultDelay d, ValidationErrors errors) {
    FaultConfig.Percentage share = d.hasPercentage() ? percentage(d.getPercentage(), errors.at("percentage")) : null;
    return switch (d.getFaultDelaySecifierCase()) {
      case FIXED_DELAY -> errors.build(() -> new FaultConfig.Delay(ProtoValues.duration(d.getFixedDelay()), share));
      case HEADER_DELAY -> errors.build(() -> new FaultConfig.Delay(null, share));
      default -> {
        errors.add("fault_delay_secifier: none (expected: fixed_delay or header_delay)");
        yield null;
      }
    };
  }

  private static FaultConfig.Abort abort(FaultAbort a, ValidationErrors errors) {
    FaultConfig.Percentage share = a.hasPercentage() ? percentage(a.getPercentage(), errors.at("percentage")) : null;
    return switch (a.getErrorTypeCase()) {
      case HTTP_STATUS -> errors.build(() -> new FaultConfig.Abort(a.getHttpStatus(), null, false, share));
      case GRPC_STATUS -> errors.build(() -> new FaultConfig.Abort(0, a.getGrpcStatus(), false, share));
      case HEADER_ABORT -> errors.build(() -> new FaultConfig.Abort(0, null, true, share));
      default -> {
        errors.add("error_type: none (expected: http_status, grpc_status or header_abort)");
        yield null;
      }
    };
  }

  private static FaultConfig.Percentage percentage(FractionalPercent p, ValidationErrors errors) {
    long denominator = switch (p.getDenominator()) {
      case HUNDRED -> 100;
      case TEN_THOUSAND -> 10_000;
      case MILLION -> 1_000_000;
      default -> {
        errors.add("denominator: " + p.getDenominator() + " (expected: HUNDRED, TEN_THOUSAND or MILLION)");
        yield 0;
      }
    };
    return denominator == 0 ? null : errors.build(() -> new FaultConfig.Percentage(p.getNumerator(), denominator));
  }
}
