package io.trellis.control.registry;

import java.util.Objects;

/**
 * One port of a service.
 *
 * @param name the port's name ({@code http}, {@code grpc-api}, …); may be empty for a Kubernetes
 *     service with a single port
 * @param port the service port, the one clients dial
 * @param protocol what the port carries
 * @param targetPort the workload port traffic goes to when the endpoint does not say (0: same as
 *     {@code port})
 * @param targetPortName a named target port, resolved per workload from its container ports ("" when
 *     numeric)
 */
public record ServicePort(String name, int port, ServiceProtocol protocol, int targetPort, String targetPortName) {
  public ServicePort {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(targetPortName, "targetPortName");
  }

  public static ServicePort of(String name, int port, ServiceProtocol protocol) {
    return new ServicePort(name, port, protocol, 0, "");
  }
}
