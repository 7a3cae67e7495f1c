package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.kube.Deployment;
import io.trellis.api.model.kube.Namespace;
import java.util.Map;
import java.util.TreeSet;

/**
 * Workloads get a sidecar only in namespaces labelled for injection; a declared namespace with
 * Deployments but no injection label runs them outside the mesh (IST0102, informational).
 */
public final class NamespaceInjectionAnalyzer implements Analyzer {

  static final String INJECTION_LABEL = "istio-injection";
  static final String REVISION_LABEL = "istio.io/rev";

  @Override
  public String name() {
    return "namespace.injection";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    TreeSet<String> withWorkloads = new TreeSet<>();
    mesh.ofType(Deployment.class).forEach(d -> withWorkloads.add(d.namespace()));
    for (String name : withWorkloads) {
      if (name.equals(MeshIndex.ROOT_NAMESPACE)) {
        continue;
      }
      mesh.namespace(name).ifPresent(ns -> {
        Map<String, String> labels = ns.metadata().labels();
        if (!labels.containsKey(INJECTION_LABEL) && !labels.containsKey(REVISION_LABEL)) {
          report(ns, out);
        }
      });
    }
  }

  private static void report(Resource<Namespace> ns, Diagnostics out) {
    out.report(MessageType.NAMESPACE_NOT_INJECTED, ns, "metadata.labels",
        "The namespace is not enabled for Istio injection. Label it with istio-injection=enabled (metadata.labels)"
            + " to enable it, or istio-injection=disabled to mark it as not needing injection.");
  }
}
