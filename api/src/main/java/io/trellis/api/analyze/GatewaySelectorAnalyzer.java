package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.Gateway;

/**
 * A Gateway configures the gateway workloads its selector picks, in any namespace; a selector that
 * picks none configures nothing (IST0101). The local mesh's own ingress gateway counts as a workload.
 */
public final class GatewaySelectorAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "gateway.selector";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    for (Resource<Gateway> gw : mesh.ofType(Gateway.class)) {
      if (!gw.spec().selector().isEmpty() && mesh.workloads(null, gw.spec().selector()).isEmpty()) {
        out.report(MessageType.REFERENCED_RESOURCE_NOT_FOUND, gw, "spec.selector",
            "Referenced selector not found: \"" + MeshIndex.labels(gw.spec().selector()) + "\"");
      }
    }
  }
}
