package io.trellis.control.model;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.VirtualService;
import io.trellis.control.registry.HostNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A VirtualService with its names resolved once: hosts as FQDNs, gateways as {@code ns/name} (or
 * {@code mesh}), exportTo with {@code .} replaced by its namespace.
 *
 * @param resource the VirtualService as loaded
 * @param hosts its hosts, short names expanded in the VirtualService's namespace
 * @param gateways the gateways it binds to; {@code mesh} (all sidecars) when none are written
 * @param exportTo namespaces that see it (empty: all)
 */
public record ResolvedVirtualService(
    Resource<VirtualService> resource, List<String> hosts, List<String> gateways, Set<String> exportTo) {

  /** The reserved gateway name meaning every sidecar in the mesh. */
  public static final String MESH = "mesh";

  public ResolvedVirtualService {
    Objects.requireNonNull(resource, "resource");
    hosts = List.copyOf(hosts);
    gateways = List.copyOf(gateways);
    exportTo = Set.copyOf(exportTo);
  }

  public static ResolvedVirtualService of(Resource<VirtualService> r) {
    String ns = r.namespace();
    List<String> hosts = new ArrayList<>();
    for (String h : r.spec().hosts()) {
      hosts.add(HostNames.fqdn(h, ns));
    }
    List<String> gateways = new ArrayList<>();
    for (String g : r.spec().gateways()) {
      gateways.add(gatewayName(g, ns));
    }
    if (gateways.isEmpty()) {
      gateways.add(MESH);
    }
    Set<String> exportTo = new TreeSet<>();
    for (String e : r.spec().exportTo()) {
      exportTo.add(e.equals(".") ? ns : e);
    }
    return new ResolvedVirtualService(r, hosts, gateways, exportTo);
  }

  /**
   * A gateway reference as Istio reads it: {@code mesh}; {@code ns/name}; a bare {@code name} is in
   * the referring resource's namespace; a dotted {@code name.ns.svc.cluster.local} (the old FQDN
   * form) means {@code ns/name}.
   */
  public static String gatewayName(String ref, String namespace) {
    if (ref.equals(MESH)) {
      return MESH;
    }
    int slash = ref.indexOf('/');
    if (slash >= 0) {
      return ref;
    }
    int dot = ref.indexOf('.');
    if (dot > 0) {
      String[] parts = ref.split("\\.");
      return parts[1] + "/" + parts[0];
    }
    return namespace + "/" + ref;
  }

  public String namespace() {
    return resource.namespace();
  }

  public VirtualService spec() {
    return resource.spec();
  }

  public boolean visibleTo(String namespace) {
    return exportTo.isEmpty() || exportTo.contains("*") || exportTo.contains(namespace);
  }

  public boolean boundTo(String gateway) {
    return gateways.contains(gateway);
  }
}
