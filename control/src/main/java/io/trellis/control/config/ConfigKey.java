package io.trellis.control.config;

import java.util.Objects;

/**
 * Identifies one configuration resource the way Kubernetes and Istio do: its kind, namespace and
 * name ({@code VirtualService default/reviews}). Two sources that define the same key define the
 * same resource; the later one in the store's order wins.
 *
 * @param kind the resource kind, e.g. {@code VirtualService}, {@code ServiceEntry}, {@code Service}
 * @param namespace the namespace; {@code ""} for cluster-scoped resources
 * @param name the resource name
 */
public record ConfigKey(String kind, String namespace, String name) implements Comparable<ConfigKey> {

  public ConfigKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public int compareTo(ConfigKey o) {
    int c = kind.compareTo(o.kind);
    if (c == 0) {
      c = namespace.compareTo(o.namespace);
    }
    return c != 0 ? c : name.compareTo(o.name);
  }

  /** {@code VirtualService default/reviews}, the form error messages use. */
  @Override
  public String toString() {
    return namespace.isEmpty() ? kind + " " + name : kind + " " + namespace + "/" + name;
  }
}
