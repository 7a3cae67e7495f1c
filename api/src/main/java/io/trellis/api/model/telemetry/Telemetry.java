package io.trellis.api.model.telemetry;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.OneOf;
import io.trellis.api.model.PolicyTargetReference;
import io.trellis.api.model.Spec;
import io.trellis.api.model.WorkloadSelector;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The spec of an Istio {@code Telemetry}: tracing, metrics and access logging for workloads. */
public record Telemetry(
    WorkloadSelector selector,
    PolicyTargetReference targetRef,
    List<PolicyTargetReference> targetRefs,
    List<Tracing> tracing,
    List<Metrics> metrics,
    List<AccessLogging> accessLogging)
    implements Spec {
  public Telemetry {
    targetRefs = Frozen.list(targetRefs);
    tracing = Frozen.list(tracing);
    metrics = Frozen.list(metrics);
    accessLogging = Frozen.list(accessLogging);
  }


  public enum WorkloadMode {
    CLIENT_AND_SERVER,
    CLIENT,
    SERVER
  }

  /** A telemetry provider, by mesh-config name. */
  public record ProviderRef(String name) {}

  public record Tracing(
      TracingSelector match,
      List<ProviderRef> providers,
      Double randomSamplingPercentage,
      Boolean disableSpanReporting,
      Map<String, CustomTag> customTags,
      Boolean useRequestIdForTraceSampling,
      Boolean enableIstioTags) {
    public Tracing {
      providers = Frozen.list(providers);
      customTags = Frozen.map(customTags);
    }


    public record TracingSelector(WorkloadMode mode) {}

    /** A span tag from a literal, an environment variable or a request header. */
    public record CustomTag(
        @OneOf("type") Literal literal,
        @OneOf("type") Environment environment,
        @OneOf("type") RequestHeader header) {}

    public record Literal(String value) {}

    public record Environment(String name, String defaultValue) {}

    public record RequestHeader(String name, String defaultValue) {}
  }

  public record Metrics(List<ProviderRef> providers, List<MetricsOverrides> overrides, Duration reportingInterval) {
    public Metrics {
      providers = Frozen.list(providers);
      overrides = Frozen.list(overrides);
    }
  }

  public record MetricsOverrides(MetricSelector match, Boolean disabled, Map<String, TagOverride> tagOverrides) {
    public MetricsOverrides {
      tagOverrides = Frozen.map(tagOverrides);
    }


    public record TagOverride(Operation operation, String value) {
      public enum Operation {
        UPSERT,
        REMOVE
      }
    }
  }

  public record MetricSelector(
      @OneOf("metric_match") IstioMetric metric, @OneOf("metric_match") String customMetric, WorkloadMode mode) {

    public enum IstioMetric {
      ALL_METRICS,
      REQUEST_COUNT,
      REQUEST_DURATION,
      REQUEST_SIZE,
      RESPONSE_SIZE,
      TCP_OPENED_CONNECTIONS,
      TCP_CLOSED_CONNECTIONS,
      TCP_SENT_BYTES,
      TCP_RECEIVED_BYTES,
      GRPC_REQUEST_MESSAGES,
      GRPC_RESPONSE_MESSAGES
    }
  }

  public record AccessLogging(LogSelector match, List<ProviderRef> providers, Boolean disabled, Filter filter) {
    public AccessLogging {
      providers = Frozen.list(providers);
    }


    public record LogSelector(WorkloadMode mode) {}

    /** A CEL expression choosing which requests are logged. */
    public record Filter(String expression) {}
  }
}
