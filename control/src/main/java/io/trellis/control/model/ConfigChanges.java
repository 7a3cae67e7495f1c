package io.trellis.control.model;

import io.trellis.api.model.Resource;
import io.trellis.api.model.ResourceKey;
import io.trellis.control.registry.MeshService;
import io.trellis.control.registry.ServiceRegistry;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What differs between the configuration an earlier push context was built from and the one a new
 * context is built from: the resources replaced, added or removed, and the services whose
 * endpoints moved. A value the earlier context derived from none of these still holds, so the new
 * context takes it over instead of building (and serializing, and hashing) it again — what keeps
 * a one-file edit in a mesh of a thousand services from costing a thousand services' work.
 *
 * <p>Resources are compared by instance: configuration sources keep the very same object for a
 * resource whose content did not change, so a different instance means "changed" (at worst a
 * needless rebuild, never a stale value).
 *
 * @param resources keys whose resource was added, removed or replaced
 * @param endpointsMoved services ({@link #serviceId}) whose endpoint list is not equal to before
 */
public record ConfigChanges(Set<ResourceKey> resources, Set<String> endpointsMoved) {

  public ConfigChanges {
    resources = Set.copyOf(resources);
    endpointsMoved = Set.copyOf(endpointsMoved);
  }

  /** Compares two configurations and their registries. */
  static ConfigChanges between(
      Map<ResourceKey, Resource<?>> before, ServiceRegistry beforeRegistry, Map<ResourceKey, Resource<?>> after, ServiceRegistry afterRegistry) {
    Set<ResourceKey> changed = new HashSet<>();
    after.forEach(
        (k, r) -> {
          if (before.get(k) != r) {
            changed.add(k);
          }
        });
    for (ResourceKey k : before.keySet()) {
      if (!after.containsKey(k)) {
        changed.add(k);
      }
    }
    Set<String> moved = new HashSet<>();
    for (MeshService s : afterRegistry.services()) {
      // An equal service (same source, same content) keys the earlier registry's endpoints too.
      if (!afterRegistry.endpoints(s).equals(beforeRegistry.endpoints(s))) {
        moved.add(serviceId(s));
      }
    }
    return new ConfigChanges(changed, moved);
  }

  /** How {@link #endpointsMoved} names a service: its host and namespace. */
  public static String serviceId(MeshService s) {
    return serviceId(s.hostname(), s.namespace());
  }

  static String serviceId(String hostname, String namespace) {
    return hostname + "/" + namespace;
  }
}
