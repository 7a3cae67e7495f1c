package io.trellis.api.validate;

import io.trellis.api.model.FieldPath;
import io.trellis.api.model.Resource;
import io.trellis.api.model.security.PeerAuthentication;

/** Istio's PeerAuthentication rules: port-level mTLS needs a workload selector and valid ports. */
final class PeerAuthenticationValidator {

  private PeerAuthenticationValidator() {}

  static void validate(Resource<PeerAuthentication> resource, Findings f) {
    PeerAuthentication pa = resource.spec();
    boolean emptySelector = pa.selector() == null || pa.selector().matchLabels().isEmpty();
    if (emptySelector && !pa.portLevelMtls().isEmpty()) {
      f.error("spec.portLevelMtls", "mesh/namespace peer authentication cannot have port level mTLS; portLevelMtls requires selector");
    }
    if (f.isSet("spec.portLevelMtls") && pa.portLevelMtls().isEmpty()) {
      f.error("spec.portLevelMtls", "port level mTLS, if defined, must have at least one element");
    }
    for (Integer port : pa.portLevelMtls().keySet()) {
      if (!Names.isPort(port)) {
        f.error(FieldPath.key("spec.portLevelMtls", port), "port must be between 1-65535", "1..65535");
      }
    }
    PolicyScope.checkSelector(pa.selector(), "spec.selector", f);
  }
}
