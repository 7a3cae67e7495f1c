package io.trellis.control.translate;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.DestinationRule;
import io.trellis.control.model.PushContext;
import io.trellis.control.registry.MeshService;
import io.trellis.control.registry.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One outbound cluster to generate: a service port, optionally narrowed to a DestinationRule
 * subset, with the traffic policy that applies to it. Enumerated once and shared by the cluster and
 * endpoint generators, so CDS and EDS always agree on which clusters exist.
 *
 * @param name {@code outbound|PORT|SUBSET|HOST}
 * @param service the service
 * @param port the service port
 * @param subset the subset name ("" for the whole service)
 * @param subsetLabels the subset's labels (empty for the whole service)
 * @param policy the merged traffic policy
 * @param rule the key of the DestinationRule the policy came from ("" for none): with the name
 *     and the service's source, what identifies this cluster's content within one push context
 */
record ClusterTarget(
    String name,
    MeshService service,
    ServicePort port,
    String subset,
    Map<String, String> subsetLabels,
    EffectivePolicy policy,
    Object rule) {

  /** Every cluster for these services as a proxy in {@code namespace} sees them, in name order. */
  static List<ClusterTarget> enumerate(PushContext ctx, String namespace, List<MeshService> services) {
    List<ClusterTarget> out = new ArrayList<>();
    for (MeshService s : services) {
      Optional<Resource<DestinationRule>> found = ctx.destinationRule(s.hostname(), namespace, s.namespace());
      DestinationRule dr = found.map(Resource::spec).orElse(null);
      Object rule = found.<Object>map(Resource::key).orElse("");
      for (ServicePort p : s.ports()) {
        out.add(
            new ClusterTarget(
                Envoy.outboundCluster(p.port(), "", s.hostname()), s, p, "", Map.of(), EffectivePolicy.of(dr, p.port(), ""), rule));
        if (dr != null) {
          for (DestinationRule.Subset sub : dr.subsets()) {
            out.add(
                new ClusterTarget(
                    Envoy.outboundCluster(p.port(), sub.name(), s.hostname()),
                    s,
                    p,
                    sub.name(),
                    sub.labels(),
                    EffectivePolicy.of(dr, p.port(), sub.name()),
                    rule));
          }
        }
      }
    }
    out.sort(java.util.Comparator.comparing(ClusterTarget::name));
    return out;
  }

  /**
   * What this cluster's content (or its endpoints') depends on, for {@link PushContext#memo}: its
   * name, the service and rule it came from, and the proxy's locality and kind. The service and rule
   * stand for their content within a push context, and across contexts as long as neither they nor
   * the service's endpoints change ({@link io.trellis.control.model.ServiceDerivedKey}).
   */
  Object memoKey(String kind, String proxyLocality, boolean proxyless) {
    return io.trellis.control.model.ServiceDerivedKey.of(kind, name, service, rule, proxyLocality, proxyless);
  }

  /** Whether Envoy learns this cluster's endpoints over EDS (rather than DNS or original dst). */
  boolean eds() {
    return service.resolution() == MeshService.Resolution.STATIC && !passthroughLb();
  }

  /** Istio's PASSTHROUGH load balancer: an original-destination cluster. */
  boolean passthroughLb() {
    return policy.loadBalancer() != null
        && policy.loadBalancer().simple()
            == io.trellis.api.model.networking.LoadBalancerSettings.SimpleLb.PASSTHROUGH;
  }
}
