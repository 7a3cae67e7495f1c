package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.EnvoyFilter;
import io.trellis.api.model.networking.EnvoyFilter.ApplyTo;
import io.trellis.api.model.networking.EnvoyFilter.Patch.Operation;

/** Istio's EnvoyFilter rules that do not need Envoy's protos: patch shapes and match contexts. */
final class EnvoyFilterValidator {

  private EnvoyFilterValidator() {}

  static void validate(Resource<EnvoyFilter> resource, Findings f) {
    EnvoyFilter ef = resource.spec();
    if (ef.workloadSelector() != null) {
      PolicyScope.checkLabels(ef.workloadSelector().labels(), "spec.workloadSelector.labels", f);
    }
    if (ef.workloadSelector() != null && !ef.targetRefs().isEmpty()) {
      f.error("spec", "only one of targetRefs or workloadSelector can be set");
    }
    for (int i = 0; i < ef.configPatches().size(); i++) {
      EnvoyFilter.EnvoyConfigObjectPatch cp = ef.configPatches().get(i);
      String at = index("spec.configPatches", i);
      EnvoyFilter.EnvoyConfigObjectMatch match = cp.match();
      if (match != null) {
        String mat = field(at, "match");
        boolean waypointContext = match.context() == EnvoyFilter.PatchContext.WAYPOINT;
        if (match.waypoint() != null && !waypointContext) {
          f.error(mat, "only support waypointMatch when context is WAYPOINT");
        }
        if (waypointContext && (match.listener() != null || match.routeConfiguration() != null || match.cluster() != null)) {
          f.error(mat, "only support waypointMatch when context is WAYPOINT");
        }
        if (match.waypoint() != null && match.waypoint().portNumber() != 0 && !Names.isPort(match.waypoint().portNumber())) {
          f.error(field(field(mat, "waypoint"), "portNumber"), "port must be between 1-65535", "1..65535");
        }
        if (match.listener() != null && match.listener().portNumber() != 0 && !Names.isPort(match.listener().portNumber())) {
          f.error(field(field(mat, "listener"), "portNumber"), "port must be between 1-65535", "1..65535");
        }
        if (match.cluster() != null && match.cluster().portNumber() != 0 && !Names.isPort(match.cluster().portNumber())) {
          f.error(field(field(mat, "cluster"), "portNumber"), "port must be between 1-65535", "1..65535");
        }
        checkMatchKind(cp.applyTo(), match, mat, f);
      }
      if (cp.applyTo() == ApplyTo.INVALID) {
        f.error(field(at, "applyTo"), "Envoy filter: missing applyTo");
        continue;
      }
      if (cp.patch() == null) {
        f.error(field(at, "patch"), "Envoy filter: missing patch");
        continue;
      }
      Operation op = cp.patch().operation();
      if (op == Operation.INVALID) {
        f.error(field(field(at, "patch"), "operation"), "Envoy filter: missing patch operation");
        continue;
      }
      if (op != Operation.REMOVE && cp.patch().value() == null) {
        f.error(field(field(at, "patch"), "value"), "Envoy filter: missing patch value for non-remove operation");
        continue;
      }
    }
  }

  private static void checkMatchKind(ApplyTo applyTo, EnvoyFilter.EnvoyConfigObjectMatch match, String at, Findings f) {
    switch (applyTo) {
      case LISTENER, FILTER_CHAIN, NETWORK_FILTER, HTTP_FILTER, LISTENER_FILTER -> {
        if (match.routeConfiguration() != null || match.cluster() != null) {
          f.error(at, "Envoy filter: applyTo for listener class objects cannot have non listener match");
        }
      }
      case ROUTE_CONFIGURATION, VIRTUAL_HOST, HTTP_ROUTE -> {
        if (match.listener() != null || match.cluster() != null) {
          f.error(at, "Envoy filter: applyTo for http route class objects cannot have non route configuration match");
        }
      }
      case CLUSTER -> {
        if (match.listener() != null || match.routeConfiguration() != null) {
          f.error(at, "Envoy filter: applyTo for cluster class objects cannot have non cluster match");
        }
      }
      default -> {}
    }
  }
}
