package io.trellis.api.analyze;

import io.trellis.api.analyze.MeshIndex.ServiceInfo;
import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.ClientTlsSettings;
import io.trellis.api.model.networking.DestinationRule;
import io.trellis.api.model.networking.TrafficPolicy;
import io.trellis.api.model.security.PeerAuthentication;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A DestinationRule that turns TLS off for a host whose workloads require mutual TLS (a STRICT
 * PeerAuthentication, workload-, namespace- or mesh-wide) makes every client connection fail the
 * server's handshake (IST0113).
 */
public final class MtlsPolicyConflictAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "mtls.conflicts";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    for (Resource<DestinationRule> dr : mesh.ofType(DestinationRule.class)) {
      TrafficPolicy policy = dr.spec().trafficPolicy();
      if (policy == null || policy.tls() == null || policy.tls().mode() != ClientTlsSettings.TlsMode.DISABLE) {
        continue;
      }
      String fqdn = MeshIndex.resolve(dr.spec().host(), dr.namespace());
      Optional<String> namespace = serviceNamespace(mesh, fqdn);
      if (namespace.isEmpty()) {
        continue;
      }
      List<Map<String, String>> workloads = mesh.services(fqdn).stream().flatMap(s -> mesh.workloadLabels(s).stream()).toList();
      effectivePolicy(mesh, namespace.get(), workloads).ifPresent(pa -> {
        if (pa.spec().mtls() != null && pa.spec().mtls().mode() == PeerAuthentication.MutualTls.Mode.STRICT) {
          out.report(MessageType.MTLS_POLICY_CONFLICT, dr, "spec.trafficPolicy.tls.mode",
              "A DestinationRule and Policy are in conflict with regards to mTLS for host " + fqdn
                  + ". The DestinationRule \"" + dr.namespace() + "/" + dr.name()
                  + "\" specifies that mTLS must be false but the Policy object \"" + pa.namespace() + "/" + pa.name()
                  + "\" specifies STRICT.");
        }
      });
    }
  }

  private static Optional<String> serviceNamespace(MeshIndex mesh, String fqdn) {
    List<ServiceInfo> services = mesh.services(fqdn);
    if (!services.isEmpty()) {
      return Optional.of(services.getFirst().namespace());
    }
    String[] parts = fqdn.split("\\.");
    if (fqdn.endsWith("." + MeshIndex.DOMAIN_SUFFIX) && parts.length == 5) {
      return Optional.of(parts[1]);
    }
    return Optional.empty();
  }

  /**
   * The PeerAuthentication that decides the mode for these workloads: one selecting them, else the
   * namespace's selector-less one, else the mesh-wide one in the root namespace.
   */
  private static Optional<Resource<PeerAuthentication>> effectivePolicy(
      MeshIndex mesh, String namespace, List<Map<String, String>> workloads) {
    List<Resource<PeerAuthentication>> all = mesh.ofType(PeerAuthentication.class);
    Optional<Resource<PeerAuthentication>> workloadLevel = all.stream()
        .filter(pa -> pa.namespace().equals(namespace) && selector(pa) != null)
        .filter(pa -> workloads.stream().anyMatch(w -> selector(pa).entrySet().stream()
            .allMatch(e -> e.getValue().equals(w.get(e.getKey())))))
        .findFirst();
    if (workloadLevel.isPresent()) {
      return workloadLevel;
    }
    Optional<Resource<PeerAuthentication>> namespaceLevel =
        all.stream().filter(pa -> pa.namespace().equals(namespace) && selector(pa) == null).findFirst();
    if (namespaceLevel.isPresent()) {
      return namespaceLevel;
    }
    return all.stream().filter(pa -> pa.namespace().equals(MeshIndex.ROOT_NAMESPACE) && selector(pa) == null).findFirst();
  }

  /** The selector's labels, or {@code null} for a policy without one (namespace- or mesh-wide). */
  private static Map<String, String> selector(Resource<PeerAuthentication> pa) {
    var s = pa.spec().selector();
    return s == null || s.matchLabels().isEmpty() ? null : s.matchLabels();
  }
}
