package io.trellis.control.registry;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One workload instance: a Kubernetes pod, a WorkloadEntry (a VM or a local process), or an
 * endpoint written inline in a ServiceEntry.
 *
 * @param name the pod or WorkloadEntry name ("" for inline ServiceEntry endpoints)
 * @param namespace where it runs
 * @param address IP address or, for DNS-resolved services, a host name
 * @param labels its labels (sorted, immutable)
 * @param serviceAccount Kubernetes service account ("" when unknown)
 * @param locality {@code region/zone/subzone} ("" when unknown)
 * @param weight load balancing weight, at least 1
 * @param healthy whether it should receive traffic (a ready pod, a WorkloadEntry)
 * @param namedPorts port name to port number: a pod's container ports, a WorkloadEntry's {@code
 *     ports} map (which overrides the service's target port for that port name)
 */
public record Workload(
    String name,
    String namespace,
    String address,
    Map<String, String> labels,
    String serviceAccount,
    String locality,
    int weight,
    boolean healthy,
    Map<String, Integer> namedPorts) {
  public Workload {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(address, "address");
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    Objects.requireNonNull(locality, "locality");
    if (weight < 1) {
      weight = 1;
    }
    namedPorts = Collections.unmodifiableMap(new TreeMap<>(namedPorts));
  }

  /** Whether every selector label is among this workload's labels (an empty selector selects all). */
  public boolean matches(Map<String, String> selector) {
    return LabelMatch.selects(selector, labels);
  }
}
