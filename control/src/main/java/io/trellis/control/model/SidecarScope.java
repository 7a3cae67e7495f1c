package io.trellis.control.model;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.Sidecar;
import io.trellis.control.registry.HostNames;
import io.trellis.control.registry.MeshService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one sidecar may reach, after the Sidecar resource that applies to it (if any): its egress
 * listeners, each with the services and VirtualServices its {@code hosts} admit, and the outbound
 * traffic policy. Computed once per (namespace, Sidecar) and shared by every proxy with that shape.
 *
 * @param namespace the proxy's namespace
 * @param sidecar the Sidecar resource in force, if any
 * @param egress the egress listeners; without a Sidecar, one implicit listener admitting every
 *     visible service ({@code *}/{@code *})
 * @param outboundPolicy ALLOW_ANY or REGISTRY_ONLY
 */
public record SidecarScope(
    String namespace, Optional<Resource<Sidecar>> sidecar, List<Egress> egress, Sidecar.OutboundTrafficPolicy.Mode outboundPolicy) {

  public SidecarScope {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(sidecar, "sidecar");
    egress = List.copyOf(egress);
    Objects.requireNonNull(outboundPolicy, "outboundPolicy");
  }

  /**
   * One egress listener.
   *
   * @param port the explicit port ({@code null}: the catch-all that shapes the default listeners)
   * @param bind the bind address ("" when not written)
   * @param captureMode how traffic reaches the listener; NONE means the app dials it directly
   * @param hosts the {@code ns/host} filters as written
   * @param services the visible services these filters admit, sorted by host
   */
  public record Egress(
      Sidecar.SidecarPort port, String bind, Sidecar.CaptureMode captureMode, List<String> hosts, List<MeshService> services) {
    public Egress {
      hosts = List.copyOf(hosts);
      services = List.copyOf(services);
    }

    /** Whether the egress {@code hosts} admit a resource in {@code ns} for {@code host}. */
    public boolean admits(String ns, String host, String proxyNamespace) {
      return admits(hosts, ns, host, proxyNamespace);
    }

    static boolean admits(List<String> filters, String ns, String host, String proxyNamespace) {
      for (String f : filters) {
        int slash = f.indexOf('/');
        String fns = slash < 0 ? "*" : f.substring(0, slash);
        String fhost = slash < 0 ? f : f.substring(slash + 1);
        boolean nsOk =
            switch (fns) {
              case "*" -> true;
              case "~" -> false;
              case "." -> ns.equals(proxyNamespace);
              default -> fns.equals(ns);
            };
        if (nsOk && HostNames.intersect(fhost, host)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Every service any egress listener admits, de-duplicated, sorted by host then namespace. */
  public List<MeshService> services() {
    Map<MeshService, Boolean> all = new LinkedHashMap<>();
    for (Egress e : egress) {
      e.services().forEach(s -> all.put(s, true));
    }
    List<MeshService> out = new ArrayList<>(all.keySet());
    out.sort(java.util.Comparator.comparing(MeshService::hostname).thenComparing(MeshService::namespace));
    return out;
  }

  /** The catch-all egress listener (no port), if the Sidecar has one (always, without a Sidecar). */
  public Optional<Egress> catchAll() {
    return egress.stream().filter(e -> e.port() == null).findFirst();
  }
}
