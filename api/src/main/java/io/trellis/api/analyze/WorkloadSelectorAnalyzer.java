package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.WorkloadSelector;
import io.trellis.api.model.networking.Sidecar;
import io.trellis.api.model.security.AuthorizationPolicy;
import io.trellis.api.model.security.PeerAuthentication;
import io.trellis.api.model.security.RequestAuthentication;
import io.trellis.api.model.telemetry.Telemetry;
import java.util.Map;

/**
 * A policy whose workload selector picks no workload in its namespace applies to nothing (IST0127):
 * usually a typo in a label, which silently leaves the intended workload unprotected. Only reported
 * when the input declares workloads at all, so analyzing a folder of policies alone stays quiet.
 */
public final class WorkloadSelectorAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "workloadselector.matches";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    for (Resource<AuthorizationPolicy> r : mesh.ofType(AuthorizationPolicy.class)) {
      check(mesh, r, "spec.selector", labels(r.spec().selector()), out);
    }
    for (Resource<PeerAuthentication> r : mesh.ofType(PeerAuthentication.class)) {
      check(mesh, r, "spec.selector", labels(r.spec().selector()), out);
    }
    for (Resource<RequestAuthentication> r : mesh.ofType(RequestAuthentication.class)) {
      check(mesh, r, "spec.selector", labels(r.spec().selector()), out);
    }
    for (Resource<Telemetry> r : mesh.ofType(Telemetry.class)) {
      check(mesh, r, "spec.selector", labels(r.spec().selector()), out);
    }
    for (Resource<Sidecar> r : mesh.ofType(Sidecar.class)) {
      Map<String, String> selector = r.spec().workloadSelector() == null ? Map.of() : r.spec().workloadSelector().labels();
      check(mesh, r, "spec.workloadSelector", selector, out);
    }
  }

  private static Map<String, String> labels(WorkloadSelector selector) {
    return selector == null ? Map.of() : selector.matchLabels();
  }

  private static void check(MeshIndex mesh, Resource<?> r, String path, Map<String, String> selector, Diagnostics out) {
    if (selector.isEmpty() || !mesh.hasWorkloads(null)) {
      return;
    }
    if (mesh.workloads(r.namespace(), selector).isEmpty()) {
      out.report(MessageType.NO_MATCHING_WORKLOADS_FOUND, r, path,
          "No matching workloads for this resource with the following labels: " + MeshIndex.labels(selector));
    }
  }
}
