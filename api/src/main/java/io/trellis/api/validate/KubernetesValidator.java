package io.trellis.api.validate;

import static io.trellis.api.model.FieldPath.field;
import static io.trellis.api.model.FieldPath.index;

import io.trellis.api.model.IntOrString;
import io.trellis.api.model.Resource;
import io.trellis.api.model.kube.Container;
import io.trellis.api.model.kube.Deployment;
import io.trellis.api.model.kube.Service;
import java.util.HashSet;
import java.util.Set;

/**
 * The checks the Kubernetes API server would make on the fields the mesh reads; a manifest the
 * cluster would refuse is reported before {@code trellis up} tries to run it.
 */
final class KubernetesValidator {

  private KubernetesValidator() {}

  static void service(Resource<Service> resource, Findings f) {
    Service svc = resource.spec();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < svc.ports().size(); i++) {
      Service.ServicePort port = svc.ports().get(i);
      String at = index("spec.ports", i);
      if (!Names.isPort(port.port())) {
        f.error(field(at, "port"), "port number " + port.port() + " must be in the range 1..65535", "1..65535");
      }
      IntOrString target = port.targetPort();
      if (target != null) {
        if (target.isNumber() && !Names.isPort(target.number())) {
          f.error(field(at, "targetPort"), "port number " + target.number() + " must be in the range 1..65535", "1..65535");
        } else if (!target.isNumber() && (target.name().length() > 15 || !Names.isNamespaceName(target.name()))) {
          f.error(field(at, "targetPort"), "invalid port name \"" + target.name() + "\"", "an IANA service name");
        }
      }
      if (svc.ports().size() > 1 && port.name().isEmpty()) {
        f.error(field(at, "name"), "port name is required when a service has more than one port");
      } else if (!port.name().isEmpty() && !names.add(port.name())) {
        f.error(field(at, "name"), "duplicate port name \"" + port.name() + "\"");
      }
    }
    Names.checkLabels(svc.selector(), "spec.selector", f);
  }

  static void deployment(Resource<Deployment> resource, Findings f) {
    Deployment d = resource.spec();
    if (d.replicas() != null && d.replicas() < 0) {
      f.error("spec.replicas", "replicas must be non-negative", ">= 0");
    }
    if (d.template() == null || d.template().spec() == null) {
      f.error("spec.template", "a pod template with a spec is required");
      return;
    }
    if (d.template().spec().containers().isEmpty()) {
      f.error("spec.template.spec.containers", "at least one container is required");
    }
    for (int i = 0; i < d.template().spec().containers().size(); i++) {
      Container c = d.template().spec().containers().get(i);
      String at = index("spec.template.spec.containers", i);
      if (c.name().isEmpty()) {
        f.error(field(at, "name"), "container name is required");
      }
      for (int j = 0; j < c.ports().size(); j++) {
        int port = c.ports().get(j).containerPort();
        if (!Names.isPort(port)) {
          f.error(field(index(field(at, "ports"), j), "containerPort"), "port number " + port + " must be in the range 1..65535", "1..65535");
        }
      }
    }
    if (d.selector() != null && d.template().metadata() != null) {
      d.selector().matchLabels().forEach((k, v) -> {
        if (!v.equals(d.template().metadata().labels().get(k))) {
          f.error("spec.selector.matchLabels", "selector does not match template labels (" + k + "=" + v + ")");
        }
      });
    }
  }
}
