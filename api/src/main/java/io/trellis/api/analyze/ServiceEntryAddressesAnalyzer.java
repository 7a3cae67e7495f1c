package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.ServiceEntry;

/**
 * Without HTTP's Host header, a sidecar tells TCP services apart only by destination address; a
 * ServiceEntry with a TCP (or unnamed-protocol) port and no {@code addresses} cannot be told apart
 * from other TCP traffic on that port (IST0134).
 */
public final class ServiceEntryAddressesAnalyzer implements Analyzer {

  @Override
  public String name() {
    return "serviceentry.addresses";
  }

  @Override
  public void analyze(MeshIndex mesh, Diagnostics out) {
    for (Resource<ServiceEntry> se : mesh.ofType(ServiceEntry.class)) {
      if (!se.spec().addresses().isEmpty()) {
        continue;
      }
      boolean tcp = se.spec().ports().stream()
          .anyMatch(p -> p.protocol().isEmpty() || p.protocol().equalsIgnoreCase("TCP"));
      if (tcp) {
        out.report(MessageType.SERVICE_ENTRY_ADDRESSES_REQUIRED, se, "spec.addresses",
            "ServiceEntry addresses are required for this protocol.");
      }
    }
  }
}
