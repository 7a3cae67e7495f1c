package io.trellis.api.validate;

import com.google.re2j.Pattern;
import io.trellis.api.model.FieldPath;
import io.trellis.api.model.PolicyTargetReference;
import io.trellis.api.model.WorkloadSelector;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How a security or telemetry policy chooses its workloads — a label selector, or references to a
 * Service, ServiceEntry or Gateway — and the rules Istio puts on each.
 */
final class PolicyScope {

  private static final Pattern GROUP = Pattern.compile("^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  private static final Pattern KIND = Pattern.compile("^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$");
  private static final Set<String> TARGET_KINDS =
      Set.of("core/Service", "networking.istio.io/ServiceEntry", "gateway.networking.k8s.io/Gateway");

  private PolicyScope() {}

  static void check(
      WorkloadSelector selector,
      PolicyTargetReference targetRef,
      List<PolicyTargetReference> targetRefs,
      String path,
      Findings findings) {
    int set = (selector != null ? 1 : 0) + (targetRef != null ? 1 : 0) + (targetRefs.isEmpty() ? 0 : 1);
    if (set > 1) {
      findings.error(path, "only one of targetRefs, targetRef or selector can be set");
    }
    checkSelector(selector, FieldPath.field(path, "selector"), findings);
    if (targetRef != null) {
      checkTarget(targetRef, FieldPath.field(path, "targetRef"), findings);
    }
    for (int i = 0; i < targetRefs.size(); i++) {
      checkTarget(targetRefs.get(i), FieldPath.index(FieldPath.field(path, "targetRefs"), i), findings);
    }
  }

  /** Istio's selector rules: no empty keys, no wildcards; a selector without labels gets a warning. */
  static void checkSelector(WorkloadSelector selector, String path, Findings findings) {
    if (selector == null) {
      return;
    }
    checkLabels(selector.matchLabels(), FieldPath.field(path, "matchLabels"), findings);
    if (selector.matchLabels().isEmpty()) {
      findings.warning(path, "workload selector specified without labels; it selects every workload in the namespace");
    }
  }

  /** The label rules shared by both selector shapes. */
  static void checkLabels(Map<String, String> labels, String path, Findings findings) {
    labels.forEach(
        (k, v) -> {
          String at = FieldPath.key(path, k);
          if (k.isEmpty()) {
            findings.error(at, "key must not be empty in selector: \"" + k + "=" + v + "\"");
          } else if (k.contains("*")) {
            findings.error(at, "wildcard not allowed in label key match: \"" + k + "=" + v + "\"");
          } else if (v.contains("*")) {
            findings.error(at, "wildcard is not supported in selector: \"" + k + "=" + v + "\"");
          } else {
            findings.errorIf(at, Names.checkLabelKey(k));
            findings.errorIf(at, Names.checkLabelValue(v));
          }
        });
  }

  private static void checkTarget(PolicyTargetReference ref, String path, Findings findings) {
    if (ref.name().isEmpty()) {
      findings.error(FieldPath.field(path, "name"), "targetRef name must be set");
    }
    if (!ref.namespace().isEmpty()) {
      findings.error(
          FieldPath.field(path, "namespace"), "cross namespace referencing is not currently supported");
    }
    if (!GROUP.matches(ref.group())) {
      findings.error(FieldPath.field(path, "group"), "invalid group \"" + ref.group() + "\"", "a DNS subdomain or \"\"");
    } else if (!KIND.matches(ref.kind())) {
      findings.error(FieldPath.field(path, "kind"), "invalid kind \"" + ref.kind() + "\"");
    } else {
      String group = ref.group().isEmpty() ? "core" : ref.group();
      if (!TARGET_KINDS.contains(group + "/" + ref.kind())) {
        findings.error(
            path,
            "targetRef must be to a Service, ServiceEntry or Gateway but was " + ref.group() + "/" + ref.kind(),
            "Service, networking.istio.io/ServiceEntry or gateway.networking.k8s.io/Gateway");
      }
    }
  }
}
