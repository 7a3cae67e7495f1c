package io.trellis.api.model.security;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Spec;
import io.trellis.api.model.WorkloadSelector;
import java.util.Map;

/** The spec of an Istio {@code PeerAuthentication}: which mutual TLS mode workloads accept. */
public record PeerAuthentication(
    WorkloadSelector selector, MutualTls mtls, Map<Integer, MutualTls> portLevelMtls) implements Spec {
  public PeerAuthentication {
    portLevelMtls = Frozen.map(portLevelMtls);
  }


  public record MutualTls(Mode mode) {
    public enum Mode {
      UNSET,
      DISABLE,
      PERMISSIVE,
      STRICT
    }
  }
}
