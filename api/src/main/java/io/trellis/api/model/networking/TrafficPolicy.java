package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import java.util.List;

/** Istio's {@code TrafficPolicy}: how a proxy talks to the destination, optionally per port. */
public record TrafficPolicy(
    LoadBalancerSettings loadBalancer,
    ConnectionPoolSettings connectionPool,
    OutlierDetection outlierDetection,
    ClientTlsSettings tls,
    List<PortTrafficPolicy> portLevelSettings,
    TunnelSettings tunnel,
    ProxyProtocol proxyProtocol,
    RetryBudget retryBudget) {
  public TrafficPolicy {
    portLevelSettings = Frozen.list(portLevelSettings);
  }


  /** Settings for one port of the destination; they replace the policy-wide ones. */
  public record PortTrafficPolicy(
      PortSelector port,
      LoadBalancerSettings loadBalancer,
      ConnectionPoolSettings connectionPool,
      OutlierDetection outlierDetection,
      ClientTlsSettings tls) {}

  /** Tunnelling TCP over HTTP CONNECT or POST. */
  public record TunnelSettings(String protocol, String targetHost, int targetPort) {}

  /** Sending the PROXY protocol header upstream. */
  public record ProxyProtocol(Version version) {
    public enum Version {
      V1,
      V2
    }
  }

  /** A retry budget: retries limited to a share of active requests. */
  public record RetryBudget(Double percent, int minRetryConcurrency) {}
}
