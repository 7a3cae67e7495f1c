package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Spec;
import java.util.List;

/** The spec of an Istio {@code ServiceEntry}: a service added to the mesh's registry. */
public record ServiceEntry(
    List<String> hosts,
    List<String> addresses,
    List<ServicePort> ports,
    Location location,
    Resolution resolution,
    List<WorkloadEntry> endpoints,
    WorkloadLabels workloadSelector,
    List<String> exportTo,
    List<String> subjectAltNames)
    implements Spec {
  public ServiceEntry {
    hosts = Frozen.list(hosts);
    addresses = Frozen.list(addresses);
    ports = Frozen.list(ports);
    endpoints = Frozen.list(endpoints);
    exportTo = Frozen.list(exportTo);
    subjectAltNames = Frozen.list(subjectAltNames);
  }


  public enum Location {
    MESH_EXTERNAL,
    MESH_INTERNAL
  }

  public enum Resolution {
    NONE,
    STATIC,
    DNS,
    DNS_ROUND_ROBIN
  }

  /** A port of the service. */
  public record ServicePort(int number, String protocol, String name, int targetPort) {}
}
