package io.trellis.api.model.kube;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Lenient;
import io.trellis.api.model.Spec;
import java.util.List;

/** A Kubernetes {@code EndpointSlice} ({@code discovery.k8s.io/v1}), bound from the whole object. */
@Lenient
public record EndpointSlice(AddressType addressType, List<Endpoint> endpoints, List<EndpointPort> ports)
    implements Spec {
  public EndpointSlice {
    endpoints = Frozen.list(endpoints);
    ports = Frozen.list(ports);
  }


  public enum AddressType {
    IPv4,
    IPv6,
    FQDN
  }

  @Lenient
  public record Endpoint(
      List<String> addresses,
      Conditions conditions,
      String hostname,
      String nodeName,
      String zone,
      TargetRef targetRef) {
    public Endpoint {
      addresses = Frozen.list(addresses);
    }
  }

  /** Readiness as Kubernetes reports it; {@code null} means unknown (treated as ready). */
  @Lenient
  public record Conditions(Boolean ready, Boolean serving, Boolean terminating) {}

  @Lenient
  public record TargetRef(String kind, String namespace, String name, String uid) {}

  /** {@code port} is {@code null} when the slice applies to all ports. */
  @Lenient
  public record EndpointPort(String name, Integer port, Protocol protocol, String appProtocol) {}
}
