package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;
import static io.trellis.api.model.FieldPath.key;

import io.trellis.api.model.Resource;
import io.trellis.api.model.telemetry.Telemetry;
import java.util.List;

/** Istio's Telemetry rules: providers, sampling, custom tags, metric overrides, access-log filters. */
final class TelemetryValidator {

  private TelemetryValidator() {}

  static void validate(Resource<Telemetry> resource, Findings f) {
    Telemetry t = resource.spec();
    PolicyScope.check(t.selector(), t.targetRef(), t.targetRefs(), "spec", f);
    for (int i = 0; i < t.metrics().size(); i++) {
      Telemetry.Metrics m = t.metrics().get(i);
      String at = index("spec.metrics", i);
      providers(m.providers(), field(at, "providers"), f);
      Durations.check(m.reportingInterval(), field(at, "reportingInterval"), f);
      for (int j = 0; j < m.overrides().size(); j++) {
        Telemetry.MetricsOverrides o = m.overrides().get(j);
        String oat = index(field(at, "overrides"), j);
        o.tagOverrides().forEach((name, to) -> {
          String tat = key(field(oat, "tagOverrides"), name);
          if (name.isEmpty()) {
            f.warning(tat, "tagOverrides.name may not be empty");
          }
          switch (to.operation()) {
            case UPSERT -> {
              if (to.value().isEmpty()) {
                f.error(field(tat, "value"), "tagOverrides.value must be set when operation is UPSERT");
              }
            }
            case REMOVE -> {
              if (!to.value().isEmpty()) {
                f.error(field(tat, "value"), "tagOverrides.value must not be set when operation is REMOVE");
              }
            }
          }
        });
        if (o.match() != null && o.match().customMetric() != null && o.match().customMetric().isEmpty()) {
          f.error(field(field(oat, "match"), "customMetric"), "customMetric may not be empty");
        }
      }
    }
    if (t.tracing().size() > 1) {
      f.warning("spec.tracing", "multiple tracing is not currently supported");
    }
    for (int i = 0; i < t.tracing().size(); i++) {
      Telemetry.Tracing tr = t.tracing().get(i);
      String at = index("spec.tracing", i);
      if (tr.providers().size() > 1) {
        f.warning(field(at, "providers"), "multiple providers is not currently supported");
      }
      providers(tr.providers(), field(at, "providers"), f);
      Double p = tr.randomSamplingPercentage();
      if (p != null && (p < 0 || p > 100)) {
        f.error(field(at, "randomSamplingPercentage"), "randomSamplingPercentage must be in range [0.0, 100.0]", "0.0..100.0");
      }
      tr.customTags().forEach((name, tag) -> {
        String tat = key(field(at, "customTags"), name);
        if (name.isEmpty()) {
          f.error(tat, "tag name may not be empty");
        }
        if (tag.literal() != null && tag.literal().value().isEmpty()) {
          f.error(field(field(tat, "literal"), "value"), "literal tag value may not be empty");
        }
        if (tag.header() != null && tag.header().name().isEmpty()) {
          f.error(field(field(tat, "header"), "name"), "header tag name may not be empty");
        }
        if (tag.environment() != null && tag.environment().name().isEmpty()) {
          f.error(field(field(tat, "environment"), "name"), "environment tag name may not be empty");
        }
        int kinds = (tag.literal() != null ? 1 : 0) + (tag.header() != null ? 1 : 0) + (tag.environment() != null ? 1 : 0);
        if (kinds != 1) {
          f.error(tat, "a custom tag needs exactly one of literal, environment or header");
        }
      });
    }
    for (int i = 0; i < t.accessLogging().size(); i++) {
      Telemetry.AccessLogging l = t.accessLogging().get(i);
      String at = index("spec.accessLogging", i);
      if (l.filter() != null && l.filter().expression().isEmpty()) {
        f.error(field(field(at, "filter"), "expression"), "filter expression may not be empty");
      }
      providers(l.providers(), field(at, "providers"), f);
    }
  }

  private static void providers(List<Telemetry.ProviderRef> providers, String at, Findings f) {
    for (int i = 0; i < providers.size(); i++) {
      if (providers.get(i).name().isEmpty()) {
        f.error(field(index(at, i), "name"), "providers.name may not be empty");
      }
    }
  }
}
