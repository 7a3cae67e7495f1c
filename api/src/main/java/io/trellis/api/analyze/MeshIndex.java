package io.trellis.api.analyze;

import io.trellis.api.model.Resource;
import io.trellis.api.model.Spec;
import io.trellis.api.model.kube.Deployment;
import io.trellis.api.model.kube.Namespace;
import io.trellis.api.model.kube.Pod;
import io.trellis.api.model.kube.Service;
import io.trellis.api.model.networking.DestinationRule;
import io.trellis.api.model.networking.Gateway;
import io.trellis.api.model.networking.ServiceEntry;
import io.trellis.api.model.networking.WorkloadEntry;
import io.trellis.api.validate.HostNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything analyzers look things up in, indexed once per run: services by host, workloads by
 * namespace, gateways by name, DestinationRules by host, namespaces by name.
 *
 * <p>Host names follow Istio's rule for references written in a resource: a name without a dot is
 * short for {@code NAME.NAMESPACE.svc.cluster.local} in the referring resource's namespace; any
 * other name is taken as written.
 */
public final class MeshIndex {

  public static final String DOMAIN_SUFFIX = "svc.cluster.local";

  /** The namespace whose mesh-wide policies apply everywhere, as Istio's root namespace. */
  public static final String ROOT_NAMESPACE = "istio-system";

  /** The ingress gateway that {@code trellis up} runs, which files never declare. */
  public static final Workload LOCAL_INGRESS_GATEWAY =
      new Workload(
          ROOT_NAMESPACE,
          "istio-ingressgateway",
          Map.of("istio", "ingressgateway", "app", "istio-ingressgateway"));

  /** A service port: its number, name and protocol as the service declares them. */
  public record Port(int number, String name, String protocol) {}

  /**
   * A service as the mesh sees it.
   *
   * @param selector the Kubernetes selector, or {@code null} for a ServiceEntry
   * @param endpointLabels labels of a ServiceEntry's inline endpoints (empty for Kubernetes services)
   */
  public record ServiceInfo(
      String host, String namespace, List<Port> ports, Map<String, String> selector,
      List<Map<String, String>> endpointLabels, Resource<?> declaredBy) {

    public Optional<Port> port(int number) {
      return ports.stream().filter(p -> p.number() == number).findFirst();
    }
  }

  /** Something that runs and can be selected by labels: a Deployment's pods, a Pod, a WorkloadEntry. */
  public record Workload(String namespace, String name, Map<String, String> labels) {

    public boolean matches(Map<String, String> selector) {
      return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
  }

  private final List<Resource<?>> resources;
  private final Map<String, List<ServiceInfo>> servicesByHost = new TreeMap<>();
  private final List<Workload> workloads = new ArrayList<>();
  private final Map<String, Resource<Namespace>> namespaces = new TreeMap<>();
  private final Map<String, Resource<Gateway>> gateways = new TreeMap<>();

  private MeshIndex(List<Resource<?>> resources, List<Workload> implicitWorkloads) {
    this.resources = List.copyOf(resources);
    workloads.addAll(implicitWorkloads);
    for (Resource<?> r : resources) {
      switch (r.spec()) {
        case Service svc -> addService(r, svc);
        case ServiceEntry se -> addServiceEntry(r, se);
        case Deployment d when d.template() != null && d.template().metadata() != null ->
            workloads.add(new Workload(r.namespace(), "Deployment " + r.name(), d.template().metadata().labels()));
        case Pod p -> workloads.add(new Workload(r.namespace(), "Pod " + r.name(), r.metadata().labels()));
        case WorkloadEntry we -> workloads.add(new Workload(r.namespace(), "WorkloadEntry " + r.name(), we.labels()));
        case Namespace ns -> namespaces.put(r.name(), r.as(Namespace.class));
        case Gateway gw -> gateways.put(r.namespace() + "/" + r.name(), r.as(Gateway.class));
        default -> {}
      }
    }
  }

  /** Indexes {@code resources}; {@code implicitWorkloads} exist without being declared (e.g. the local ingress gateway). */
  public static MeshIndex of(List<Resource<?>> resources, List<Workload> implicitWorkloads) {
    return new MeshIndex(resources, implicitWorkloads);
  }

  private void addService(Resource<?> r, Service svc) {
    List<Port> ports = svc.ports().stream()
        .map(p -> new Port(p.port(), p.name(), p.appProtocol().isEmpty() ? p.name() : p.appProtocol()))
        .toList();
    String host = r.name() + "." + r.namespace() + "." + DOMAIN_SUFFIX;
    servicesByHost.computeIfAbsent(host, h -> new ArrayList<>())
        .add(new ServiceInfo(host, r.namespace(), ports, svc.selector(), List.of(), r));
  }

  private void addServiceEntry(Resource<?> r, ServiceEntry se) {
    List<Port> ports = se.ports().stream().map(p -> new Port(p.number(), p.name(), p.protocol())).toList();
    List<Map<String, String>> endpointLabels = se.endpoints().stream().map(WorkloadEntry::labels).toList();
    for (String host : se.hosts()) {
      servicesByHost.computeIfAbsent(host, h -> new ArrayList<>())
          .add(new ServiceInfo(host, r.namespace(), ports, null, endpointLabels, r));
    }
  }

  public List<Resource<?>> resources() {
    return resources;
  }

  public <T extends Spec> List<Resource<T>> ofType(Class<T> type) {
    return resources.stream().filter(r -> type.isInstance(r.spec())).map(r -> r.as(type)).toList();
  }

  /** {@code host} as written in a resource of {@code namespace}, made fully qualified where Istio would. */
  public static String resolve(String host, String namespace) {
    if (host.isEmpty() || host.contains(".") || host.equals("*")) {
      return host;
    }
    return host + "." + namespace + "." + DOMAIN_SUFFIX;
  }

  /**
   * The services a fully qualified host reaches: the one declared with exactly that name, else any
   * whose wildcard host covers it (a ServiceEntry for {@code *.example.com}), else — for a wildcard
   * reference — every service it covers.
   */
  public List<ServiceInfo> services(String fqdn) {
    List<ServiceInfo> exact = servicesByHost.get(fqdn);
    if (exact != null) {
      return exact;
    }
    List<ServiceInfo> out = new ArrayList<>();
    servicesByHost.forEach((host, infos) -> {
      if (HostNames.matches(host, fqdn)) {
        out.addAll(infos);
      }
    });
    return out;
  }

  /** Workloads in {@code namespace} (every namespace when {@code null}) whose labels include all of {@code selector}. */
  public List<Workload> workloads(String namespace, Map<String, String> selector) {
    return workloads.stream()
        .filter(w -> namespace == null || w.namespace().equals(namespace))
        .filter(w -> w.matches(selector))
        .toList();
  }

  /** Whether any workload at all is known, so that "selects nothing" can mean something. */
  public boolean hasWorkloads(String namespace) {
    return workloads.stream().anyMatch(w -> namespace == null || w.namespace().equals(namespace));
  }

  /** The workloads behind a service: its selector's (Kubernetes) or its inline endpoints' labels (ServiceEntry). */
  public List<Map<String, String>> workloadLabels(ServiceInfo service) {
    if (service.selector() == null) {
      return service.endpointLabels();
    }
    if (service.selector().isEmpty()) {
      return List.of();
    }
    return workloads(service.namespace(), service.selector()).stream().map(Workload::labels).toList();
  }

  /**
   * A Gateway named by a VirtualService in {@code fromNamespace}: {@code ns/name}, or {@code name}
   * in the VirtualService's own namespace.
   */
  public Optional<Resource<Gateway>> gateway(String reference, String fromNamespace) {
    String key = reference.contains("/") ? reference : fromNamespace + "/" + reference;
    return Optional.ofNullable(gateways.get(key));
  }

  /** DestinationRules whose host (resolved in their own namespace) covers {@code fqdn}. */
  public List<Resource<DestinationRule>> destinationRules(String fqdn) {
    return ofType(DestinationRule.class).stream()
        .filter(dr -> HostNames.subsetOf(fqdn, resolve(dr.spec().host(), dr.namespace())))
        .toList();
  }

  /** The Namespace resource of that name, when the input declares one. */
  public Optional<Resource<Namespace>> namespace(String name) {
    return Optional.ofNullable(namespaces.get(name));
  }

  /** {@code a=1,b=2}, in key order: how messages show a selector. */
  public static String labels(Map<String, String> selector) {
    StringBuilder out = new StringBuilder();
    new TreeMap<>(selector).forEach((k, v) -> out.append(out.isEmpty() ? "" : ",").append(k).append('=').append(v));
    return out.toString();
  }

  /** Groups resources by a key, keeping first-seen order, for "two or more claim the same thing" checks. */
  static <K, V> Map<K, List<V>> group(Map<K, List<V>> into, K key, V value) {
    into.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    return into;
  }

  static <K, V> Map<K, List<V>> newGroups() {
    return new LinkedHashMap<>();
  }
}
