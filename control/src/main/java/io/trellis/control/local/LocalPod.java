package io.trellis.control.local;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A pod the local mesh runs, as the registry must see it.
 *
 * @param name pod name
 * @param namespace its namespace
 * @param labels the pod template's labels
 * @param serviceAccount its service account
 * @param ip the address other workloads reach it at ({@code status.podIP})
 */
public record LocalPod(String name, String namespace, Map<String, String> labels, String serviceAccount, String ip) {
  public LocalPod {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    labels = java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    Objects.requireNonNull(ip, "ip");
  }
}
