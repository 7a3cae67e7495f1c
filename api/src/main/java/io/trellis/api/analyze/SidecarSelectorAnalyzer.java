package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.Sidecar;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A workload gets exactly one Sidecar: two selector-less Sidecars in a namespace (IST0111), or two
 * whose selectors pick the same workload (IST0110), leave the choice undefined.
 */
public final class SidecarSelectorAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "sidecar.selectors";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    Map<String, List<Resource<Sidecar>>> withoutSelector = MeshIndex.newGroups();
    Map<String, List<Resource<Sidecar>>> byWorkload = MeshIndex.newGroups();
    for (Resource<Sidecar> sidecar : mesh.ofType(Sidecar.class)) {
      Map<String, String> selector =
          sidecar.spec().workloadSelector() == null ? Map.of() : sidecar.spec().workloadSelector().labels();
      if (selector.isEmpty()) {
        MeshIndex.group(withoutSelector, sidecar.namespace(), sidecar);
        continue;
      }
      for (MeshIndex.Workload w : mesh.workloads(sidecar.namespace(), selector)) {
        MeshIndex.group(byWorkload, w.namespace() + "\n" + w.name(), sidecar);
      }
    }
    withoutSelector.forEach((namespace, sidecars) -> {
      if (sidecars.size() > 1) {
        for (Resource<Sidecar> s : sidecars) {
          out.report(MessageType.MULTIPLE_SIDECARS_WITHOUT_WORKLOAD_SELECTORS, s, "spec",
              "The Sidecars " + names(sidecars) + " in namespace \"" + namespace
                  + "\" have no workload selector, which can lead to undefined behavior.");
        }
      }
    });
    byWorkload.forEach((key, sidecars) -> {
      if (sidecars.size() > 1) {
        String namespace = key.substring(0, key.indexOf('\n'));
        String workload = key.substring(key.indexOf('\n') + 1);
        for (Resource<Sidecar> s : sidecars) {
          out.report(MessageType.CONFLICTING_SIDECAR_WORKLOAD_SELECTORS, s, "spec.workloadSelector",
              "The Sidecars " + names(sidecars) + " in namespace \"" + namespace + "\" select the same workload \""
                  + workload + "\", which can lead to undefined behavior.");
        }
      }
    });
  }

  private static List<String> names(List<Resource<Sidecar>> sidecars) {
    List<String> names = new ArrayList<>();
    sidecars.forEach(s -> names.add(s.name()));
    return names;
  }
}
