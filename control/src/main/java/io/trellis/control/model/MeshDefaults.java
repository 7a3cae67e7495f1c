package io.trellis.control.model;

import io.trellis.api.model.networking.Sidecar;

/**
 * Mesh-wide settings Istio keeps in its MeshConfig, at Istio's defaults.
 *
 * @param rootNamespace the namespace whose Sidecar and DestinationRules apply mesh-wide
 * @param outboundTrafficPolicy what sidecars do with traffic to hosts not in the registry
 */
public record MeshDefaults(String rootNamespace, Sidecar.OutboundTrafficPolicy.Mode outboundTrafficPolicy) {
  public static final MeshDefaults ISTIO = new MeshDefaults("istio-system", Sidecar.OutboundTrafficPolicy.Mode.ALLOW_ANY);
}
