package io.trellis.api.model;

/** Identifies a resource within a config set: kind, namespace and name. */
public record ResourceKey(String kind, String namespace, String name) implements Comparable<ResourceKey> {

  @Override
  public int compareTo(ResourceKey o) {
    int c = kind.compareTo(o.kind);
    if (c == 0) {
      c = namespace.compareTo(o.namespace);
    }
    return c != 0 ? c : name.compareTo(o.name);
  }

  /** {@code Kind namespace/name} (or {@code Kind name} when cluster-scoped), the way messages name a resource. */
  @Override
  public String toString() {
    return namespace.isEmpty() ? kind + " " + name : kind + " " + namespace + "/" + name;
  }
}
