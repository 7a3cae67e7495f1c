package io.trellis.control.translate;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.trellis.api.model.networking.LoadBalancerSettings;
import io.trellis.api.model.networking.LoadBalancerSettings.LocalityLoadBalancerSetting;
import io.trellis.control.registry.LabelMatch;
import io.trellis.control.registry.ServiceEndpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Endpoints (EDS) for one cluster: the service's endpoints on the cluster's port, narrowed to a
 * subset's labels, grouped by locality. Every locality gets a load balancing weight (the sum of
 * its endpoints' weights, as Istio sends) because gRPC's xDS client drops localities without one.
 * A localityLbSetting re-weights localities ({@code distribute}) or orders them into priorities
 * by proximity to the proxy ({@code failover}, which needs outlier detection, as in Istio).
 */
public final class EndpointGenerator {
  private EndpointGenerator() {}

  /** The endpoints of one cluster target, built once per push context and shared by every proxy. */
  static ClusterLoadAssignment loadAssignment(io.trellis.control.model.PushContext ctx, ClusterTarget t, String proxyLocality) {
    return ctx.memo(
        t.memoKey("endpoints", proxyLocality, false),
        () -> loadAssignment(t.name(), ctx.registry().endpoints(t.service(), t.port().port()), t.subsetLabels(), t.policy(), proxyLocality));
  }

  static ClusterLoadAssignment loadAssignment(
      String clusterName,
      List<ServiceEndpoint> endpoints,
      Map<String, String> subsetLabels,
      EffectivePolicy policy,
      String proxyLocality) {
    Map<String, List<ServiceEndpoint>> byLocality = new TreeMap<>();
    for (ServiceEndpoint e : endpoints) {
      if (LabelMatch.selects(subsetLabels, e.workload().labels())) {
        byLocality.computeIfAbsent(e.workload().locality(), l -> new ArrayList<>()).add(e);
      }
    }
    LocalityLoadBalancerSetting locality =
        policy.loadBalancer() == null ? null : policy.loadBalancer().localityLbSetting();
    boolean localityEnabled = locality != null && !Boolean.FALSE.equals(locality.enabled());
    Map<String, Integer> distributed = localityEnabled ? distribute(locality, proxyLocality, byLocality.keySet()) : null;
    boolean failover = localityEnabled && distributed == null && policy.outlierDetection() != null && !proxyLocality.isEmpty();
    Map<String, Integer> priorities = failover ? priorities(locality, proxyLocality, byLocality.keySet()) : Map.of();

    ClusterLoadAssignment.Builder cla = ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    for (var group : byLocality.entrySet()) {
      LocalityLbEndpoints.Builder l = LocalityLbEndpoints.newBuilder().setLocality(Localities.parse(group.getKey()));
      int total = 0;
      for (ServiceEndpoint e : group.getValue()) {
        int weight = e.workload().weight();
        total += weight;
        l.addLbEndpoints(
            LbEndpoint.newBuilder()
                .setEndpoint(Endpoint.newBuilder().setAddress(Envoy.address(e.workload().address(), e.port())))
                .setHealthStatus(e.workload().healthy() ? HealthStatus.HEALTHY : HealthStatus.UNHEALTHY)
                .setLoadBalancingWeight(UInt32Value.of(weight)));
      }
      if (distributed != null) {
        int w = distributed.getOrDefault(group.getKey(), 0);
        if (w == 0) {
          continue; // distribute sends this locality nothing
        }
        total = w;
      }
      l.setLoadBalancingWeight(UInt32Value.of(total));
      l.setPriority(priorities.getOrDefault(group.getKey(), 0));
      cla.addEndpoints(l);
    }
    return cla.build();
  }

  /**
   * Locality weights from the first {@code distribute} rule whose {@code from} covers the proxy;
   * each {@code to} weight is split evenly over the localities it covers. {@code null} when no
   * rule applies.
   */
  private static Map<String, Integer> distribute(LocalityLoadBalancerSetting s, String proxyLocality, java.util.Set<String> localities) {
    for (LocalityLoadBalancerSetting.Distribute d : s.distribute()) {
      if (!Localities.matches(d.from(), proxyLocality)) {
        continue;
      }
      Map<String, Integer> out = new TreeMap<>();
      for (var to : new TreeMap<>(d.to()).entrySet()) {
        List<String> covered = localities.stream().filter(l -> Localities.matches(to.getKey(), l)).sorted().toList();
        for (String l : covered) {
          out.merge(l, Math.max(1, to.getValue() / covered.size()), Integer::sum);
        }
      }
      return out;
    }
    return null;
  }

  /**
   * Failover priorities: the proxy's own subzone 0, zone next, region next; a {@code failover}
   * rule's target region after that; everything else last. Priorities are renumbered densely
   * because Envoy requires no gaps.
   */
  private static Map<String, Integer> priorities(LocalityLoadBalancerSetting s, String proxyLocality, java.util.Set<String> localities) {
    String proxyRegion = proxyLocality.split("/", -1)[0];
    String failoverTo = null;
    for (LocalityLoadBalancerSetting.Failover f : s.failover()) {
      if (f.from().equals(proxyRegion)) {
        failoverTo = f.to();
      }
    }
    Map<String, Integer> raw = new TreeMap<>();
    for (String l : localities) {
      int shared = Localities.shared(proxyLocality, l);
      int p = switch (shared) {
        case 3 -> 0;
        case 2 -> 1;
        case 1 -> 2;
        default -> failoverTo != null && l.split("/", -1)[0].equals(failoverTo) ? 3 : 4;
      };
      if (shared > 0 && shared == l.split("/", -1).length && shared < 3) {
        p = 3 - shared; // a locality written coarser than the proxy's, e.g. "region/zone"
      }
      raw.put(l, p);
    }
    List<Integer> used = new ArrayList<>(new TreeSet<>(raw.values()));
    Map<String, Integer> dense = new TreeMap<>();
    raw.forEach((l, p) -> dense.put(l, used.indexOf(p)));
    return dense;
  }

  /** Whether clusters of this policy need Envoy's locality-weighted load balancing switched on. */
  static boolean usesLocalityWeights(LoadBalancerSettings lb, String proxyLocality) {
    if (lb == null || lb.localityLbSetting() == null || Boolean.FALSE.equals(lb.localityLbSetting().enabled())) {
      return false;
    }
    return lb.localityLbSetting().distribute().stream().anyMatch(d -> Localities.matches(d.from(), proxyLocality));
  }
}
