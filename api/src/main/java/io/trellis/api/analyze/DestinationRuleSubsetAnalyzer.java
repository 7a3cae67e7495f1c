package io.trellis.api.analyze;

import io.trellis.api.analyze.MeshIndex.ServiceInfo;
import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.DestinationRule;
import java.util.List;
import java.util.Map;

/**
 * A subset whose labels match none of its service's workloads becomes a cluster with no endpoints:
 * every request routed to it fails with 503 (no healthy upstream). Checked only for services whose
 * workloads the input declares.
 */
public final class DestinationRuleSubsetAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "destinationrule.subsets";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    for (Resource<DestinationRule> dr : mesh.ofType(DestinationRule.class)) {
      String fqdn = MeshIndex.resolve(dr.spec().host(), dr.namespace());
      List<ServiceInfo> services = mesh.services(fqdn);
      if (services.size() != 1) {
        continue;
      }
      List<Map<String, String>> workloads = mesh.workloadLabels(services.getFirst());
      if (workloads.isEmpty()) {
        continue;
      }
      List<DestinationRule.Subset> subsets = dr.spec().subsets();
      for (int i = 0; i < subsets.size(); i++) {
        Map<String, String> labels = subsets.get(i).labels();
        boolean selects = workloads.stream()
            .anyMatch(w -> labels.entrySet().stream().allMatch(e -> e.getValue().equals(w.get(e.getKey()))));
        if (!selects) {
          out.report(MessageType.DESTINATION_RULE_SUBSET_SELECTS_NO_WORKLOAD, dr, "spec.subsets[" + i + "].labels",
              "Subset \"" + subsets.get(i).name() + "\" selects no workload of " + fqdn + " (labels "
                  + MeshIndex.labels(labels) + "); requests routed to it will fail with 503.");
        }
      }
    }
  }
}
