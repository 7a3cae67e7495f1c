package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Spec;
import java.util.List;

/** The spec of an Istio {@code Sidecar}: what a workload's proxy accepts and can reach. */
public record Sidecar(
    WorkloadLabels workloadSelector,
    List<IstioIngressListener> ingress,
    List<IstioEgressListener> egress,
    ConnectionPoolSettings inboundConnectionPool,
    OutboundTrafficPolicy outboundTrafficPolicy)
    implements Spec {
  public Sidecar {
    ingress = Frozen.list(ingress);
    egress = Frozen.list(egress);
  }


  public enum CaptureMode {
    DEFAULT,
    IPTABLES,
    NONE
  }

  /** A port of a Sidecar listener. */
  public record SidecarPort(int number, String protocol, String name, int targetPort) {}

  /** Inbound traffic on a port, forwarded to the workload. */
  public record IstioIngressListener(
      SidecarPort port,
      String bind,
      CaptureMode captureMode,
      String defaultEndpoint,
      ServerTlsSettings tls,
      ConnectionPoolSettings connectionPool) {}

  /** Outbound traffic: which hosts ({@code namespace/dnsName}) are reachable, on which port. */
  public record IstioEgressListener(SidecarPort port, String bind, CaptureMode captureMode, List<String> hosts) {
    public IstioEgressListener {
      hosts = Frozen.list(hosts);
    }
  }

  /** What to do with traffic to hosts the registry does not know. */
  public record OutboundTrafficPolicy(Mode mode, Destination egressProxy) {
    public enum Mode {
      REGISTRY_ONLY,
      ALLOW_ANY
    }
  }
}
