package io.trellis.control.translate;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.DestinationRule;
import io.trellis.control.model.PushContext;
import io.trellis.control.registry.MeshService;
import io.trellis.control.registry.ServicePort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 */
record ClusterTarget(
    String name, MeshService service, ServicePort port, String subset, Map<String, String> subsetLabels, EffectivePolicy policy) {

  /** Every cluster for these services as a proxy in {@code namespace} sees them, in name order. */
  static List<ClusterTarget> enumerate(PushContext ctx, String namespace, List<MeshService> services) {
    List<ClusterTarget> out = new ArrayList<>();
    for (MeshService s : services) {
      DestinationRule dr =
          ctx.destinationRule(s.hostname(), namespace, s.namespace()).map(Resource::spec).orElse(null);
      for (ServicePort p : s.ports()) {
        out.add(
            new ClusterTarget(
                Envoy.outboundCluster(p.port(), "", s.hostname()), s, p, "", Map.of(), EffectivePolicy.of(dr, p.port(), "")));
        if (dr != null) {
          for (DestinationRule.Subset sub : dr.subsets()) {
            out.add(
                new ClusterTarget(
                    Envoy.outboundCluster(p.port(), sub.name(), s.hostname()),
                    s,
                    p,
                    sub.name(),
                    sub.labels(),
                    EffectivePolicy.of(dr, p.port(), sub.name())));
          }
        }
      }
    }
    out.sort(java.util.Comparator.comparing(ClusterTarget::name));
    return out;
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
