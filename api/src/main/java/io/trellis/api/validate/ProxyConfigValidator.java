package io.trellis.api.validate;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.ProxyConfig;

/** Istio's ProxyConfig rules: a valid selector and non-negative concurrency. */
final class ProxyConfigValidator {

  private ProxyConfigValidator() {}

  static void validate(Resource<ProxyConfig> resource, Findings f) {
    ProxyConfig pc = resource.spec();
    PolicyScope.checkSelector(pc.selector(), "spec.selector", f);
    if (pc.concurrency() != null && pc.concurrency() < 0) {
      f.error("spec.concurrency", "concurrency must be greater than or equal to 0", ">= 0");
    }
  }
}
