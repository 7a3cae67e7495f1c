package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.kube.Service;
import java.util.List;
import java.util.Set;

/**
 * The mesh learns a Kubernetes service port's protocol from its name ({@code http}, {@code http-web},
 * {@code grpc}…) or its {@code appProtocol}; a port with neither is treated as opaque TCP, so HTTP
 * routing rules silently do not apply to it (IST0118).
 */
public final class ServicePortNameAnalyzer implements Analyzer {

  /** The protocol prefixes the mesh recognizes in a port name. */
  static final Set<String> PROTOCOLS =
      Set.of("http", "http2", "https", "grpc", "grpc-web", "tcp", "tls", "mongo", "mysql", "redis", "udp");

  @Override
  public String name() {
    return "service.portnames";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    for (Resource<Service> svc : mesh.ofType(Service.class)) {
      List<Service.ServicePort> ports = svc.spec().ports();
      for (int i = 0; i < ports.size(); i++) {
        Service.ServicePort port = ports.get(i);
        if (!port.appProtocol().isEmpty() || followsConvention(port.name())) {
          continue;
        }
        out.report(MessageType.PORT_NAME_IS_NOT_UNDER_NAMING_CONVENTION, svc, "spec.ports[" + i + "]",
            "Port name " + port.name() + " (port: " + port.port() + ", targetPort: " + port.effectiveTargetPort()
                + ") doesn't follow the naming convention of Istio port.");
      }
    }
  }

  static boolean followsConvention(String name) {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    if (PROTOCOLS.contains(lower)) {
      return true;
    }
    return PROTOCOLS.stream().anyMatch(p -> lower.startsWith(p + "-"));
  }
}
