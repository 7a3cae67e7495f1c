package io.trellis.control.translate;

import io.trellis.control.registry.HostNames;
import io.trellis.control.registry.MeshService;
import java.util.ArrayList;
import java.util.List;

/**
 * Every name a client may use for a service in a Host header, as Istio lists them in a sidecar's
 * virtual host: the FQDN and, for a Kubernetes service, its shorter forms ({@code reviews} only
 * from the service's own namespace, since only there does DNS resolve it), each with and without
 * {@code :PORT}, and the virtual IPs.
 */
final class ServiceDomains {
  private ServiceDomains() {}

  static List<String> of(MeshService s, int port, String proxyNamespace) {
    List<String> names = new ArrayList<>();
    String host = s.hostname();
    names.add(host);
    String suffix = "." + s.namespace() + ".svc." + HostNames.CLUSTER_DOMAIN;
    if (s.kubernetes() && host.endsWith(suffix)) {
      String name = host.substring(0, host.length() - suffix.length());
      if (s.namespace().equals(proxyNamespace)) {
        names.add(name);
      }
      names.add(name + "." + s.namespace());
      names.add(name + "." + s.namespace() + ".svc");
    }
    names.addAll(s.ips());
    List<String> out = new ArrayList<>();
    for (String n : names) {
      out.add(n);
      out.add(n + ":" + port);
    }
    return out;
  }
}
