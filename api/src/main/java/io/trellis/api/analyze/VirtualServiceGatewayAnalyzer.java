package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.Gateway;
import io.trellis.api.model.networking.VirtualService;
import io.trellis.api.validate.HostNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A VirtualService bound to a gateway needs that Gateway to exist (IST0101), and at least its hosts
 * must be among the gateway's server hosts (IST0132); otherwise no gateway listener ever serves it.
 */
public final class VirtualServiceGatewayAnalyzer implements Analyzer {

  /** The reserved gateway name for all sidecars. */
  static final String MESH = "mesh";

  @Override
  public String name() {
    return "virtualservice.gateways";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    for (Resource<VirtualService> vs : mesh.ofType(VirtualService.class)) {
      List<String> gateways = vs.spec().gateways();
      for (int i = 0; i < gateways.size(); i++) {
        check(mesh, vs, "spec.gateways[" + i + "]", gateways.get(i), true, out);
      }
      List<VirtualService.HttpRoute> http = vs.spec().http();
      for (int i = 0; i < http.size(); i++) {
        for (int j = 0; j < http.get(i).match().size(); j++) {
          List<String> matchGateways = http.get(i).match().get(j).gateways();
          for (int k = 0; k < matchGateways.size(); k++) {
            check(mesh, vs, "spec.http[" + i + "].match[" + j + "].gateways[" + k + "]", matchGateways.get(k), false, out);
          }
        }
      }
    }
  }

  private static void check(
      MeshIndex mesh, Resource<VirtualService> vs, String path, String reference, boolean checkHosts, Diagnostics out) {
    if (reference.equals(MESH)) {
      return;
    }
    Optional<Resource<Gateway>> gateway = mesh.gateway(reference, vs.namespace());
    if (gateway.isEmpty()) {
      out.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, vs, path, "Referenced gateway not found: \"" + reference + "\"");
      return;
    }
    if (!checkHosts) {
      return;
    }
    List<String> missing = new ArrayList<>();
    for (String host : vs.spec().hosts()) {
      String fqdn = MeshIndex.resolve(host, vs.namespace());
      boolean served = gateway.get().spec().servers().stream()
          .flatMap(s -> s.hosts().stream())
          .anyMatch(serverHost -> exposes(serverHost, gateway.get().namespace(), vs.namespace(), fqdn));
      if (!served) {
        missing.add(host);
      }
    }
    if (!missing.isEmpty()) {
      Resource<Gateway> gw = gateway.get();
      out.report(MessageType.VIRTUAL_SERVICE_HOST_NOT_FOUND_IN_GATEWAY, vs, "spec.hosts",
          "one or more host " + missing + " defined in VirtualService " + vs.namespace() + "/" + vs.name()
              + " not found in Gateway " + gw.namespace() + "/" + gw.name() + ".");
    }
  }

  /**
   * Whether a gateway server host ({@code host}, {@code ns/host}, {@code ./host}, {@code *}/host}) admits
   * the VirtualService host {@code fqdn} from namespace {@code vsNamespace}.
   */
  static boolean exposes(String serverHost, String gatewayNamespace, String vsNamespace, String fqdn) {
    String host = serverHost;
    int slash = serverHost.indexOf('/');
    if (slash >= 0) {
      String ns = serverHost.substring(0, slash);
      host = serverHost.substring(slash + 1);
      boolean nsOk = ns.equals("*") || ns.equals(vsNamespace) || (ns.equals(".") && gatewayNamespace.equals(vsNamespace));
      if (!nsOk) {
        return false;
      }
    }
    return host.equals("*") || HostNames.matches(host, fqdn);
  }
}
