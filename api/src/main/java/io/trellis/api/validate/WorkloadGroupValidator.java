package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.WorkloadGroup;

/** Istio's WorkloadGroup rules: a template, valid labels, one well-formed readiness probe. */
final class WorkloadGroupValidator {

  private WorkloadGroupValidator() {}

  static void validate(Resource<WorkloadGroup> resource, Findings f) {
    WorkloadGroup wg = resource.spec();
    if (wg.template() == null) {
      f.error("spec.template", "template is required");
      return;
    }
    if (wg.metadata() != null) {
      Names.checkLabels(wg.metadata().labels(), "spec.metadata.labels", f);
    }
    WorkloadGroup.ReadinessProbe probe = wg.probe();
    if (probe == null) {
      return;
    }
    String at = "spec.probe";
    nonNegative(probe.periodSeconds(), field(at, "periodSeconds"), f);
    nonNegative(probe.initialDelaySeconds(), field(at, "initialDelaySeconds"), f);
    nonNegative(probe.timeoutSeconds(), field(at, "timeoutSeconds"), f);
    nonNegative(probe.successThreshold(), field(at, "successThreshold"), f);
    nonNegative(probe.failureThreshold(), field(at, "failureThreshold"), f);
    int methods = (probe.httpGet() != null ? 1 : 0) + (probe.tcpSocket() != null ? 1 : 0) + (probe.exec() != null ? 1 : 0)
        + (probe.grpc() != null ? 1 : 0);
    if (methods == 0) {
      f.error(at, "a health check method is required", "one of httpGet, tcpSocket, exec or grpc");
    } else if (methods > 1) {
      f.error(at, "only one health check method may be set", "one of httpGet, tcpSocket, exec or grpc");
    }
    if (probe.httpGet() != null) {
      WorkloadGroup.HttpHealthCheckConfig h = probe.httpGet();
      String hat = field(at, "httpGet");
      port(h.port(), field(hat, "port"), f);
      if (!h.scheme().isEmpty() && !h.scheme().equals("HTTP") && !h.scheme().equals("HTTPS")) {
        f.error(field(hat, "scheme"), "httpGet.scheme must be one of \"HTTPS\", \"HTTP\"", "HTTP or HTTPS");
      }
      for (int i = 0; i < h.httpHeaders().size(); i++) {
        f.errorIf(field(index(field(hat, "httpHeaders"), i), "name"), HttpHeaders.checkName(h.httpHeaders().get(i).name()));
      }
    }
    if (probe.tcpSocket() != null) {
      port(probe.tcpSocket().port(), field(field(at, "tcpSocket"), "port"), f);
    }
    if (probe.exec() != null && probe.exec().command().isEmpty()) {
      f.error(field(field(at, "exec"), "command"), "exec.command is required");
    }
    if (probe.grpc() != null) {
      port(probe.grpc().port(), field(field(at, "grpc"), "port"), f);
    }
  }

  private static void port(int port, String at, Findings f) {
    if (!Names.isPort(port)) {
      f.error(at, "port number " + port + " must be in the range 1..65535", "1..65535");
    }
  }

  private static void nonNegative(int value, String at, Findings f) {
    if (value < 0) {
      f.error(at, "must be non-negative", ">= 0");
    }
  }
}
