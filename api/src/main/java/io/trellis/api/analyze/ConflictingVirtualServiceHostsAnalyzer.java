package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.VirtualService;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Two VirtualServices that claim the same host on the same gateway (the mesh, or a named Gateway)
 * make the routing depend on which one the control plane reads first (IST0109). Merge them instead.
 */
public final class ConflictingVirtualServiceHostsAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "virtualservice.conflictinghosts";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    Map<String, List<Resource<VirtualService>>> claims = MeshIndex.newGroups();
    for (Resource<VirtualService> vs : mesh.ofType(VirtualService.class)) {
      List<String> gateways = vs.spec().gateways().isEmpty()
          ? List.of(VirtualServiceGatewayAnalyzer.MESH)
          : vs.spec().gateways();
      for (String gateway : gateways) {
        String gatewayKey = gateway.equals(VirtualServiceGatewayAnalyzer.MESH) || gateway.contains("/")
            ? gateway
            : vs.namespace() + "/" + gateway;
        for (String host : vs.spec().hosts()) {
          MeshIndex.group(claims, gatewayKey + " " + MeshIndex.resolve(host, vs.namespace()), vs);
        }
      }
    }
    claims.forEach((claim, virtualServices) -> {
      List<Resource<VirtualService>> distinct = virtualServices.stream().distinct().toList();
      if (distinct.size() < 2) {
        return;
      }
      String gateway = claim.substring(0, claim.indexOf(' '));
      String host = claim.substring(claim.indexOf(' ') + 1);
      String names = distinct.stream().map(r -> r.namespace() + "/" + r.name()).collect(Collectors.joining(","));
      for (Resource<VirtualService> vs : distinct) {
        out.report(MessageType.CONFLICTING_MESH_GATEWAY_VIRTUAL_SERVICE_HOSTS, vs, "spec.hosts",
            "The VirtualServices " + names + " associated with "
                + (gateway.equals(VirtualServiceGatewayAnalyzer.MESH) ? "mesh gateway" : "gateway " + gateway)
                + " define the same host " + host
                + " which can lead to undefined behavior. This can be fixed by merging the conflicting"
                + " VirtualServices into a single resource.");
      }
    });
  }
}
