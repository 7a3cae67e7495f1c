package io.trellis.api.analyze;

import io.trellis.api.analyze.MeshIndex.ServiceInfo;
import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.Destination;
import io.trellis.api.model.networking.DestinationRule;
import io.trellis.api.model.networking.VirtualService;
import java.util.List;

/**
 * Every destination a VirtualService routes or mirrors to must exist: the host (IST0101), the port
 * on that host (IST0101), a port when the host has several (IST0112), and the subset in a
 * DestinationRule for the host (IST0101). Otherwise the proxy gets a route to a cluster that is not
 * there, and requests fail with 503 NC.
 */
public final class VirtualServiceDestinationAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "virtualservice.destinations";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    for (Resource<VirtualService> vs : mesh.ofType(VirtualService.class)) {
      VirtualService spec = vs.spec();
      for (int i = 0; i < spec.http().size(); i++) {
        VirtualService.HttpRoute http = spec.http().get(i);
        String base = "spec.http[" + i + "]";
        for (int j = 0; j < http.route().size(); j++) {
          check(mesh, vs, base + ".route[" + j + "].destination", http.route().get(j).destination(), out);
        }
        if (http.mirror() != null) {
          check(mesh, vs, base + ".mirror", http.mirror(), out);
        }
        for (int j = 0; j < http.mirrors().size(); j++) {
          check(mesh, vs, base + ".mirrors[" + j + "].destination", http.mirrors().get(j).destination(), out);
        }
      }
      for (int i = 0; i < spec.tls().size(); i++) {
        List<VirtualService.RouteDestination> route = spec.tls().get(i).route();
        for (int j = 0; j < route.size(); j++) {
          check(mesh, vs, "spec.tls[" + i + "].route[" + j + "].destination", route.get(j).destination(), out);
        }
      }
      for (int i = 0; i < spec.tcp().size(); i++) {
        List<VirtualService.RouteDestination> route = spec.tcp().get(i).route();
        for (int j = 0; j < route.size(); j++) {
          check(mesh, vs, "spec.tcp[" + i + "].route[" + j + "].destination", route.get(j).destination(), out);
        }
      }
    }
  }

  private static void check(MeshIndex mesh, Resource<VirtualService> vs, String path, Destination dest, Diagnostics out) {
    if (dest == null || dest.host().isEmpty()) {
      return; // validation reports a missing host
    }
    String fqdn = MeshIndex.resolve(dest.host(), vs.namespace());
    List<ServiceInfo> services = mesh.services(fqdn);
    if (services.isEmpty()) {
      out.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, vs, path + ".host",
          "Referenced host not found: \"" + dest.host() + "\"");
      return;
    }
    int port = dest.port() == null ? 0 : dest.port().number();
    ServiceInfo service = services.getFirst();
    if (port != 0) {
      if (services.stream().noneMatch(s -> s.port(port).isPresent())) {
        out.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, vs, path + ".port.number",
            "Referenced host:port not found: \"" + dest.host() + ":" + port + "\"");
      }
    } else if (service.ports().size() > 1) {
      out.report(MessageType.VIRTUAL_SERVICE_DESTINATION_PORT_SELECTOR_REQUIRED, vs, path,
          "This VirtualService routes to a service \"" + fqdn + "\" that exposes multiple ports "
              + service.ports().stream().map(p -> p.number()).toList()
              + ". Specifying a port in the destination is required to disambiguate.");
    }
    if (!dest.subset().isEmpty()) {
      boolean defined = mesh.destinationRules(fqdn).stream()
          .map(Resource::spec)
          .flatMap(dr -> dr.subsets().stream())
          .map(DestinationRule.Subset::name)
          .anyMatch(dest.subset()::equals);
      if (!defined) {
        out.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, vs, path + ".subset",
            "Referenced host+subset in destinationrule not found: \"" + dest.host() + "+" + dest.subset() + "\"");
      }
    }
  }
}
