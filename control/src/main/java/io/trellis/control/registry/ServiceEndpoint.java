package io.trellis.control.registry;

import java.util.Objects;

/**
 * A workload instance serving one port of one service.
 *
 * @param workload the instance
 * @param servicePort the service port it serves
 * @param port the port on the workload that traffic for {@code servicePort} goes to
 */
public record ServiceEndpoint(Workload workload, ServicePort servicePort, int port) {
  public ServiceEndpoint {
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(servicePort, "servicePort");
  }
}
