package io.trellis.control.translate;

import io.trellis.api.model.networking.Destination;
import io.trellis.api.model.networking.VirtualService;
import io.trellis.control.model.ResolvedVirtualService;
import io.trellis.control.registry.LabelMatch;
import io.trellis.control.translate.NetworkFilters.WeightedTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * VirtualService {@code tcp} and {@code tls} rules → TCP proxy targets. The first rule whose
 * match applies wins (Istio's order); a TLS rule routes the SNI names its match lists.
 */
final class L4RouteTranslator {
  private L4RouteTranslator() {}

  /** Targets of the first TCP rule that applies, if any. */
  static Optional<List<WeightedTarget>> tcp(ResolvedVirtualService vs, RouteTarget t) {
    for (VirtualService.TcpRoute rule : vs.spec().tcp()) {
      boolean applies = rule.match().isEmpty();
      for (VirtualService.L4MatchAttributes m : rule.match()) {
        applies |= applies(m.port(), m.sourceLabels(), m.gateways(), m.sourceNamespace(), vs, t) && m.destinationSubnets().isEmpty();
      }
      if (applies) {
        return Optional.of(targets(rule.route(), vs, t));
      }
    }
    return Optional.empty();
  }

  /** SNI name → targets for the TLS rules that apply, first rule first for each name. */
  static Map<String, List<WeightedTarget>> tls(ResolvedVirtualService vs, RouteTarget t) {
    Map<String, List<WeightedTarget>> out = new LinkedHashMap<>();
    for (VirtualService.TlsRoute rule : vs.spec().tls()) {
      for (VirtualService.TlsMatchAttributes m : rule.match()) {
        if (!applies(m.port(), m.sourceLabels(), m.gateways(), m.sourceNamespace(), vs, t)) {
          continue;
        }
        List<WeightedTarget> targets = targets(rule.route(), vs, t);
        for (String sni : m.sniHosts()) {
          out.putIfAbsent(sni, targets);
        }
      }
    }
    return out;
  }

  private static boolean applies(
      int port, Map<String, String> sourceLabels, List<String> gateways, String sourceNamespace, ResolvedVirtualService vs, RouteTarget t) {
    if (port != 0 && port != t.port()) {
      return false;
    }
    if (!sourceLabels.isEmpty() && !LabelMatch.selects(sourceLabels, t.labels())) {
      return false;
    }
    if (!sourceNamespace.isEmpty() && !sourceNamespace.equals(t.namespace())) {
      return false;
    }
    if (!gateways.isEmpty()) {
      return gateways.stream().anyMatch(g -> ResolvedVirtualService.gatewayName(g, vs.namespace()).equals(t.gateway()));
    }
    return true;
  }

  private static List<WeightedTarget> targets(List<VirtualService.RouteDestination> route, ResolvedVirtualService vs, RouteTarget t) {
    List<WeightedTarget> out = new ArrayList<>();
    for (VirtualService.RouteDestination d : route) {
      if (d.weight() > 0 || route.size() == 1) {
        out.add(new WeightedTarget(cluster(d.destination(), vs, t), route.size() == 1 ? 100 : d.weight()));
      }
    }
    return out;
  }

  private static String cluster(Destination d, ResolvedVirtualService vs, RouteTarget t) {
    return HttpRouteTranslator.cluster(d, vs, t);
  }

}
