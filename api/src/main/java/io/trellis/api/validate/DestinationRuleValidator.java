package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.DestinationRule;
import java.util.HashSet;
import java.util.Set;

/** Istio's DestinationRule rules: host, traffic policies, unique well-named subsets, exportTo, selector. */
final class DestinationRuleValidator {

  private DestinationRuleValidator() {}

  static void validate(Resource<DestinationRule> resource, Findings f) {
    DestinationRule dr = resource.spec();
    f.errorIf("spec.host", Names.checkWildcardDomain(dr.host()));
    TrafficPolicyValidator.trafficPolicy(dr.trafficPolicy(), "spec.trafficPolicy", f);
    Set<String> names = new HashSet<>();
    for (int i = 0; i < dr.subsets().size(); i++) {
      DestinationRule.Subset subset = dr.subsets().get(i);
      String at = index("spec.subsets", i);
      if (!names.add(subset.name())) {
        f.error(field(at, "name"), "duplicate subset names: " + subset.name());
      }
      if (subset.name().isEmpty()) {
        f.error(field(at, "name"), "subset name cannot be empty");
      } else if (!Names.isDnsLabel(subset.name())) {
        f.error(field(at, "name"), "subset name is invalid: " + subset.name(), "a DNS-1123 label");
      }
      Names.checkLabels(subset.labels(), field(at, "labels"), f);
      TrafficPolicyValidator.trafficPolicy(subset.trafficPolicy(), field(at, "trafficPolicy"), f);
    }
    ExportTo.check(dr.exportTo(), resource.namespace(), false, dr.workloadSelector() != null, "spec.exportTo", f);
    PolicyScope.checkSelector(dr.workloadSelector(), "spec.workloadSelector", f);
  }
}
