package io.trellis.api.model.kube;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.IntOrString;
import io.trellis.api.model.Lenient;
import io.trellis.api.model.Spec;
import java.util.List;
import java.util.Map;

/** The {@code spec} of a Kubernetes {@code Service}: the ports and pod selector the mesh routes by. */
@Lenient
public record Service(
    List<ServicePort> ports,
    Map<String, String> selector,
    String clusterIP,
    List<String> clusterIPs,
    Type type,
    String externalName,
    List<String> externalIPs) implements Spec {
  public Service {
    ports = Frozen.list(ports);
    selector = Frozen.map(selector);
    clusterIPs = Frozen.list(clusterIPs);
    externalIPs = Frozen.list(externalIPs);
  }


  public enum Type {
    ClusterIP,
    NodePort,
    LoadBalancer,
    ExternalName
  }

  /** {@code "None"}: a headless service. */
  public boolean isHeadless() {
    return "None".equals(clusterIP);
  }

  /**
   * A port of the service. {@code targetPort} is {@code null} when not written (Kubernetes then
   * uses {@code port}); the protocol used by the mesh comes from {@code appProtocol} or the name
   * prefix ({@code http-}, {@code grpc-}, …).
   */
  @Lenient
  public record ServicePort(
      String name, int port, IntOrString targetPort, Protocol protocol, String appProtocol, int nodePort) {

    /** The target port, defaulting to {@code port} as Kubernetes does. */
    public IntOrString effectiveTargetPort() {
      return targetPort != null ? targetPort : IntOrString.of(port);
    }
  }
}
