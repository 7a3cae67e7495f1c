package io.trellis.control.registry;

import io.trellis.api.model.ResourceKey;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A service as the mesh routes to it: one host name with its ports and addresses.
 *
 * @param hostname the fully qualified name ({@code reviews.default.svc.cluster.local}, {@code
 *     api.example.com}, or a wildcard such as {@code *.example.com} for a ServiceEntry)
 * @param namespace the namespace of the object that declared it
 * @param addresses virtual IPs (a Kubernetes cluster IP, ServiceEntry addresses); may be empty
 * @param ports its ports, sorted by number
 * @param resolution how the proxy finds endpoints
 * @param meshExternal whether the service lives outside the mesh (a MESH_EXTERNAL ServiceEntry)
 * @param exportTo the namespaces that may see it ({@code *} for all, the default; {@code .} is
 *     already replaced by {@code namespace})
 * @param kubernetes whether it is a Kubernetes Service, which makes its short names resolvable
 * @param source the resource it came from
 */
public record MeshService(
    String hostname,
    String namespace,
    List<String> addresses,
    List<ServicePort> ports,
    Resolution resolution,
    boolean meshExternal,
    Set<String> exportTo,
    boolean kubernetes,
    ResourceKey source) {

  /** How endpoints are found: Istio's ServiceEntry resolution values. */
  public enum Resolution {
    /** Traffic goes to the address the client dialled (original destination). */
    NONE,
    /** Endpoints are IP addresses known to the control plane (EDS). */
    STATIC,
    /** Endpoints are host names the proxy resolves; all addresses are used. */
    DNS,
    /** Endpoints are host names the proxy resolves; one address is used per connection. */
    DNS_ROUND_ROBIN
  }

  public MeshService {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(namespace, "namespace");
    addresses = List.copyOf(addresses);
    ports = ports.stream().sorted((a, b) -> Integer.compare(a.port(), b.port())).toList();
    Objects.requireNonNull(resolution, "resolution");
    exportTo = Collections.unmodifiableSet(new TreeSet<>(exportTo));
    Objects.requireNonNull(source, "source");
  }

  public Optional<ServicePort> port(int number) {
    return ports.stream().filter(p -> p.port() == number).findFirst();
  }

  /** Whether a proxy in {@code namespace} may see this service. */
  public boolean visibleTo(String proxyNamespace) {
    return exportTo.isEmpty() || exportTo.contains("*") || exportTo.contains(proxyNamespace);
  }

  /** The first address, or {@code ""} when the service has no virtual IP. */
  public String vip() {
    return addresses.isEmpty() ? "" : withoutPrefixLength(addresses.getFirst());
  }

  /** The addresses as plain IPs: a CIDR such as {@code 192.192.192.192/24} loses its prefix length. */
  public List<String> ips() {
    return addresses.stream().map(MeshService::withoutPrefixLength).toList();
  }

  private static String withoutPrefixLength(String address) {
    int slash = address.indexOf('/');
    return slash < 0 ? address : address.substring(0, slash);
  }

  /** Ports indexed by number (for tests and callers that look ports up often). */
  public Map<Integer, ServicePort> portsByNumber() {
    Map<Integer, ServicePort> m = new TreeMap<>();
    ports.forEach(p -> m.put(p.port(), p));
    return Collections.unmodifiableMap(m);
  }
}
