package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Spec;
import java.util.List;
import java.util.Map;

/** The spec of an Istio {@code WorkloadGroup}: a template for WorkloadEntries and their health probe. */
public record WorkloadGroup(Metadata metadata, WorkloadEntry template, ReadinessProbe probe) implements Spec {

  /** Labels and annotations given to the generated WorkloadEntries. */
  public record Metadata(Map<String, String> labels, Map<String, String> annotations) {
    public Metadata {
      labels = Frozen.map(labels);
      annotations = Frozen.map(annotations);
    }
  }

  /** How the workload's readiness is probed (one of httpGet, tcpSocket, exec, grpc). */
  public record ReadinessProbe(
      int initialDelaySeconds,
      int timeoutSeconds,
      int periodSeconds,
      int successThreshold,
      int failureThreshold,
      HttpHealthCheckConfig httpGet,
      TcpHealthCheckConfig tcpSocket,
      ExecHealthCheckConfig exec,
      GrpcHealthCheckConfig grpc) {}

  public record HttpHealthCheckConfig(
      String path, int port, String host, String scheme, List<HttpHeader> httpHeaders) {
    public HttpHealthCheckConfig {
      httpHeaders = Frozen.list(httpHeaders);
    }
  }

  public record HttpHeader(String name, String value) {}

  public record TcpHealthCheckConfig(String host, int port) {}

  public record ExecHealthCheckConfig(List<String> command) {
    public ExecHealthCheckConfig {
      command = Frozen.list(command);
    }
  }

  public record GrpcHealthCheckConfig(int port, String service) {}
}
