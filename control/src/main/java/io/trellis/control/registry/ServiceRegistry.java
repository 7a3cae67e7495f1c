package io.trellis.control.registry;

import io.trellis.api.model.IntOrString;
import io.trellis.api.model.ObjectMeta;
import io.trellis.api.model.Resource;
import io.trellis.api.model.kube.Container;
import io.trellis.api.model.kube.EndpointSlice;
import io.trellis.api.model.kube.Pod;
import io.trellis.api.model.kube.Protocol;
import io.trellis.api.model.kube.Service;
import io.trellis.api.model.networking.ServiceEntry;
import io.trellis.api.model.networking.WorkloadEntry;
import io.trellis.api.model.networking.WorkloadGroup;
import io.trellis.control.config.ConfigSnapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every service and its endpoints for one configuration snapshot. Immutable; built once per
 * snapshot and indexed by host name, so translation looks services up instead of scanning.
 *
 * <p>Where endpoints come from, per source:
 *
 * <ul>
 *   <li>Kubernetes Service: its EndpointSlices (label {@code kubernetes.io/service-name}) when any
 *       exist, else the Pods and WorkloadEntries in its namespace its selector selects. A named
 *       {@code targetPort} is resolved per pod from its container ports. ExternalName services
 *       resolve by DNS to the external name. Pods are the only source of workload addresses for
 *       Deployments: the local runner and Kubernetes both publish a Pod per replica.
 *   <li>ServiceEntry: its inline {@code endpoints}; else, with a {@code workloadSelector}, the
 *       WorkloadEntries and Pods in its namespace that match; else, for DNS resolution, the host
 *       itself on each port.
 *   <li>WorkloadEntry: a workload; one owned by a WorkloadGroup (owner reference) takes the
 *       group's template for any field it leaves empty and the group's labels under its own.
 * </ul>
 */
public final class ServiceRegistry {
  /** Label Kubernetes puts on an EndpointSlice naming its Service. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  public static final ServiceRegistry EMPTY = new ServiceRegistry(List.of(), Map.of(), List.of(), Map.of());

  private final List<MeshService> services;
  private final Map<String, List<MeshService>> byHost;
  private final Map<MeshService, List<ServiceEndpoint>> endpoints;
  private final List<Workload> workloads;
  private final Map<String, Map<MeshService, Map<String, String>>> selectorsByNamespace;

  private ServiceRegistry(
      List<MeshService> services,
      Map<MeshService, List<ServiceEndpoint>> endpoints,
      List<Workload> workloads,
      Map<MeshService, Map<String, String>> selectors) {
    Map<String, Map<MeshService, Map<String, String>>> byNs = new HashMap<>();
    selectors.forEach((svc, sel) -> byNs.computeIfAbsent(svc.namespace(), n -> new LinkedHashMap<>()).put(svc, sel));
    this.selectorsByNamespace = byNs;
    this.services = List.copyOf(services);
    Map<String, List<MeshService>> hosts = new HashMap<>();
    for (MeshService s : this.services) {
      hosts.computeIfAbsent(s.hostname(), h -> new ArrayList<>()).add(s);
    }
    hosts.replaceAll((h, l) -> List.copyOf(l));
    this.byHost = hosts;
    this.endpoints = endpoints;
    this.workloads = List.copyOf(workloads);
  }

  /** Every service, sorted by host name then namespace. */
  public List<MeshService> services() {
    return services;
  }

  /**
   * Services with this exact host name (several when ServiceEntries in different namespaces declare
   * the same host), sorted by namespace.
   */
  public List<MeshService> byHost(String hostname) {
    return byHost.getOrDefault(hostname, List.of());
  }

  /** Endpoints of one service on one service port, sorted by address then port. */
  public List<ServiceEndpoint> endpoints(MeshService service, int port) {
    return endpoints.getOrDefault(service, List.of()).stream().filter(e -> e.servicePort().port() == port).toList();
  }

  /** All endpoints of a service. */
  public List<ServiceEndpoint> endpoints(MeshService service) {
    return endpoints.getOrDefault(service, List.of());
  }

  /** Every known workload instance (pods, WorkloadEntries), sorted by namespace then name. */
  public List<Workload> workloads() {
    return workloads;
  }

  /**
   * Services in {@code namespace} that select a workload with these labels: the services a sidecar
   * with these labels serves (its inbound side).
   */
  public List<MeshService> servicesSelecting(String namespace, Map<String, String> labels) {
    List<MeshService> out = new ArrayList<>();
    for (var e : selectorsByNamespace.getOrDefault(namespace, Map.of()).entrySet()) {
      if (!e.getValue().isEmpty() && LabelMatch.selects(e.getValue(), labels)) {
        out.add(e.getKey());
      }
    }
    out.sort(Comparator.comparing(MeshService::hostname));
    return out;
  }

  /** Builds the registry for a snapshot. */
  public static ServiceRegistry build(ConfigSnapshot snapshot) {
    return new Builder(snapshot).build();
  }


  private static final class Builder {
    private final ConfigSnapshot snapshot;
    private final List<MeshService> services = new ArrayList<>();
    private final Map<MeshService, List<ServiceEndpoint>> endpoints = new LinkedHashMap<>();
    private final Map<MeshService, Map<String, String>> selectors = new LinkedHashMap<>();
    private final List<Workload> workloads = new ArrayList<>();
    private final Map<String, List<Workload>> workloadsByNamespace = new HashMap<>();
    private final Map<String, List<Resource<EndpointSlice>>> slicesByService = new HashMap<>();

    Builder(ConfigSnapshot snapshot) {
      this.snapshot = snapshot;
    }

    ServiceRegistry build() {
      collectWorkloads();
      for (Resource<EndpointSlice> s : snapshot.ofType(EndpointSlice.class)) {
        String service = s.metadata().labels().get(SERVICE_NAME_LABEL);
        if (service != null) {
          slicesByService.computeIfAbsent(s.namespace() + "/" + service, k -> new ArrayList<>()).add(s);
        }
      }
      for (Resource<Service> r : snapshot.ofType(Service.class)) {
        addKubernetesService(r);
      }
      for (Resource<ServiceEntry> r : snapshot.ofType(ServiceEntry.class)) {
        addServiceEntry(r);
      }
      services.sort(Comparator.comparing(MeshService::hostname).thenComparing(MeshService::namespace));
      Map<MeshService, List<ServiceEndpoint>> sorted = new HashMap<>();
      endpoints.forEach(
          (s, l) ->
              sorted.put(
                  s,
                  l.stream()
                      .sorted(
                          Comparator.comparing((ServiceEndpoint e) -> e.workload().address())
                              .thenComparingInt(ServiceEndpoint::port)
                              .thenComparingInt(e -> e.servicePort().port())
                              .thenComparing(e -> e.workload().name()))
                      .toList()));
      return new ServiceRegistry(services, Collections.unmodifiableMap(sorted), workloads, Collections.unmodifiableMap(selectors));
    }

    private void collectWorkloads() {
      for (Resource<Pod> r : snapshot.ofType(Pod.class)) {
        Pod pod = r.spec();
        String ip = pod.status() == null ? "" : pod.status().podIP();
        if (ip == null || ip.isEmpty()) {
          continue; // a pod without an address cannot receive traffic yet
        }
        String phase = pod.status().phase() == null ? "" : pod.status().phase();
        boolean healthy = !(phase.equals("Failed") || phase.equals("Succeeded") || phase.equals("Pending"));
        Map<String, Integer> ports = new TreeMap<>();
        String sa = "";
        if (pod.spec() != null) {
          sa = pod.spec().effectiveServiceAccount();
          for (Container c : pod.spec().containers()) {
            for (Container.ContainerPort p : c.ports()) {
              if (p.name() != null && !p.name().isEmpty()) {
                ports.put(p.name(), p.containerPort());
              }
            }
          }
        }
        ObjectMeta m = r.metadata();
        addWorkload(new Workload(m.name(), m.namespace(), ip, m.labels(), sa, locality(m.labels()), 1, healthy, ports));
      }
      Map<String, Resource<WorkloadGroup>> groups = new HashMap<>();
      for (Resource<WorkloadGroup> g : snapshot.ofType(WorkloadGroup.class)) {
        groups.put(g.namespace() + "/" + g.name(), g);
      }
      for (Resource<WorkloadEntry> r : snapshot.ofType(WorkloadEntry.class)) {
        WorkloadEntry we = r.spec();
        Resource<WorkloadGroup> group = null;
        for (ObjectMeta.OwnerReference o : r.metadata().ownerReferences()) {
          if ("WorkloadGroup".equals(o.kind())) {
            group = groups.get(r.namespace() + "/" + o.name());
          }
        }
        Map<String, String> labels = new TreeMap<>();
        String sa = we.serviceAccount();
        String locality = we.locality();
        int weight = we.weight();
        Map<String, Integer> ports = new TreeMap<>();
        if (group != null) {
          WorkloadGroup wg = group.spec();
          if (wg.metadata() != null) {
            labels.putAll(wg.metadata().labels());
          }
          if (wg.template() != null) {
            labels.putAll(wg.template().labels());
            ports.putAll(wg.template().ports());
            sa = sa.isEmpty() ? wg.template().serviceAccount() : sa;
            locality = locality.isEmpty() ? wg.template().locality() : locality;
            weight = weight == 0 ? wg.template().weight() : weight;
          }
        }
        labels.putAll(we.labels());
        ports.putAll(we.ports());
        addWorkload(new Workload(r.name(), r.namespace(), we.address(), labels, sa, locality, weight, true, ports));
      }
      workloads.sort(Comparator.comparing(Workload::namespace).thenComparing(Workload::name));
    }

    private void addWorkload(Workload w) {
      workloads.add(w);
      workloadsByNamespace.computeIfAbsent(w.namespace(), n -> new ArrayList<>()).add(w);
    }

    private static String locality(Map<String, String> labels) {
      String region = labels.getOrDefault("topology.kubernetes.io/region", "");
      String zone = labels.getOrDefault("topology.kubernetes.io/zone", "");
      String subzone = labels.getOrDefault("topology.istio.io/subzone", "");
      if (region.isEmpty()) {
        return labels.getOrDefault("istio-locality", "").replace('.', '/');
      }
      return subzone.isEmpty() ? (zone.isEmpty() ? region : region + "/" + zone) : region + "/" + zone + "/" + subzone;
    }

    private void addKubernetesService(Resource<Service> r) {
      Service svc = r.spec();
      List<ServicePort> ports = new ArrayList<>();
      for (Service.ServicePort p : svc.ports()) {
        IntOrString target = p.effectiveTargetPort();
        ports.add(
            new ServicePort(
                p.name() == null ? "" : p.name(),
                p.port(),
                ServiceProtocol.forKubernetesPort(p.name(), p.appProtocol(), p.protocol() == Protocol.UDP),
                target.isNumber() ? target.number() : 0,
                target.isNumber() ? "" : target.name()));
      }
      String host = HostNames.kubernetes(r.name(), r.namespace());
      List<String> vips = new ArrayList<>();
      if (!svc.isHeadless()) {
        if (!svc.clusterIPs().isEmpty()) {
          vips.addAll(svc.clusterIPs());
        } else if (svc.clusterIP() != null && !svc.clusterIP().isEmpty()) {
          vips.add(svc.clusterIP());
        }
      }
      boolean external = svc.type() == Service.Type.ExternalName;
      MeshService.Resolution resolution =
          external ? MeshService.Resolution.DNS : svc.isHeadless() ? MeshService.Resolution.NONE : MeshService.Resolution.STATIC;
      MeshService service =
          new MeshService(host, r.namespace(), vips, ports, resolution, false, exportTo(r.metadata().annotations().get("networking.istio.io/exportTo"), r.namespace()), true, r.key());
      services.add(service);
      List<ServiceEndpoint> eps = new ArrayList<>();
      if (external) {
        Workload w = new Workload("", r.namespace(), svc.externalName(), Map.of(), "", "", 1, true, Map.of());
        for (ServicePort p : service.ports()) {
          eps.add(new ServiceEndpoint(w, p, p.port()));
        }
        endpoints.put(service, eps);
        return;
      }
      List<Resource<EndpointSlice>> slices = slicesByService.getOrDefault(r.namespace() + "/" + r.name(), List.of());
      if (!slices.isEmpty()) {
        for (Resource<EndpointSlice> s : slices) {
          addSliceEndpoints(service, s, eps);
        }
      } else if (!svc.selector().isEmpty()) {
        selectors.put(service, svc.selector());
        for (Workload w : workloadsByNamespace.getOrDefault(r.namespace(), List.of())) {
          if (w.matches(svc.selector())) {
            for (ServicePort p : service.ports()) {
              int port = targetPort(p, w);
              if (port > 0) {
                eps.add(new ServiceEndpoint(w, p, port));
              }
            }
          }
        }
      }
      if (!svc.selector().isEmpty()) {
        selectors.put(service, svc.selector());
      }
      endpoints.put(service, eps);
    }

    private void addSliceEndpoints(MeshService service, Resource<EndpointSlice> slice, List<ServiceEndpoint> out) {
      EndpointSlice es = slice.spec();
      for (EndpointSlice.Endpoint e : es.endpoints()) {
        boolean ready = e.conditions() == null || e.conditions().ready() == null || e.conditions().ready();
        Workload pod = null;
        if (e.targetRef() != null && "Pod".equals(e.targetRef().kind())) {
          String ns = e.targetRef().namespace() == null || e.targetRef().namespace().isEmpty() ? slice.namespace() : e.targetRef().namespace();
          pod =
              workloadsByNamespace.getOrDefault(ns, List.of()).stream()
                  .filter(w -> w.name().equals(e.targetRef().name()))
                  .findFirst()
                  .orElse(null);
        }
        for (String address : e.addresses()) {
          Workload w =
              new Workload(
                  pod != null ? pod.name() : e.targetRef() != null ? e.targetRef().name() : "",
                  slice.namespace(),
                  address,
                  pod != null ? pod.labels() : Map.of(),
                  pod != null ? pod.serviceAccount() : "",
                  pod != null && !pod.locality().isEmpty() ? pod.locality() : e.zone() == null ? "" : e.zone(),
                  1,
                  ready,
                  Map.of());
          for (EndpointSlice.EndpointPort ep : es.ports()) {
            String epName = ep.name() == null ? "" : ep.name();
            for (ServicePort sp : service.ports()) {
              // A slice names its ports after the service ports (a single unnamed port matches "").
              if (sp.name().equals(epName) && ep.port() != null) {
                out.add(new ServiceEndpoint(w, sp, ep.port()));
              }
            }
          }
        }
      }
    }

    private static int targetPort(ServicePort p, Workload w) {
      if (!p.targetPortName().isEmpty()) {
        Integer named = w.namedPorts().get(p.targetPortName());
        return named == null ? 0 : named;
      }
      return p.targetPort() > 0 ? p.targetPort() : p.port();
    }

    private void addServiceEntry(Resource<ServiceEntry> r) {
      ServiceEntry se = r.spec();
      List<ServicePort> ports = new ArrayList<>();
      for (ServiceEntry.ServicePort p : se.ports()) {
        ServiceProtocol proto = ServiceProtocol.parse(p.protocol());
        if (proto == ServiceProtocol.UNKNOWN) {
          proto = ServiceProtocol.fromPortName(p.name());
        }
        ports.add(new ServicePort(p.name(), p.number(), proto, p.targetPort(), ""));
      }
      MeshService.Resolution resolution = MeshService.Resolution.valueOf(se.resolution().name());
      boolean external = se.location() == ServiceEntry.Location.MESH_EXTERNAL;
      Set<String> exportTo = exportTo(se.exportTo(), r.namespace());
      for (String host : se.hosts()) {
        String fqdn = HostNames.fqdn(host, r.namespace());
        MeshService service = new MeshService(fqdn, r.namespace(), se.addresses(), ports, resolution, external, exportTo, false, r.key());
        services.add(service);
        List<ServiceEndpoint> eps = new ArrayList<>();
        if (!se.endpoints().isEmpty()) {
          for (WorkloadEntry we : se.endpoints()) {
            Workload w = new Workload("", r.namespace(), we.address(), we.labels(), we.serviceAccount(), we.locality(), we.weight(), true, we.ports());
            for (ServicePort p : service.ports()) {
              eps.add(new ServiceEndpoint(w, p, seTargetPort(p, w)));
            }
          }
        } else if (se.workloadSelector() != null) {
          Map<String, String> selector = se.workloadSelector().labels();
          selectors.put(service, selector);
          for (Workload w : workloadsByNamespace.getOrDefault(r.namespace(), List.of())) {
            if (w.matches(selector)) {
              for (ServicePort p : service.ports()) {
                eps.add(new ServiceEndpoint(w, p, seTargetPort(p, w)));
              }
            }
          }
        } else if ((resolution == MeshService.Resolution.DNS || resolution == MeshService.Resolution.DNS_ROUND_ROBIN) && !fqdn.startsWith("*")) {
          // DNS with no endpoints: the proxy resolves the host itself, as Istio does.
          Workload w = new Workload("", r.namespace(), fqdn, Map.of(), "", "", 1, true, Map.of());
          for (ServicePort p : service.ports()) {
            eps.add(new ServiceEndpoint(w, p, p.port()));
          }
        }
        endpoints.put(service, eps);
      }
    }

    private static int seTargetPort(ServicePort p, Workload w) {
      Integer byName = w.namedPorts().get(p.name());
      if (byName != null && byName > 0) {
        return byName;
      }
      return p.targetPort() > 0 ? p.targetPort() : p.port();
    }

    private static Set<String> exportTo(String annotation, String namespace) {
      if (annotation == null || annotation.isBlank()) {
        return Set.of();
      }
      return exportTo(List.of(annotation.split(",")), namespace);
    }

    private static Set<String> exportTo(List<String> values, String namespace) {
      java.util.TreeSet<String> out = new java.util.TreeSet<>();
      for (String v : values) {
        String t = v.strip();
        out.add(t.equals(".") ? namespace : t);
      }
      return out;
    }
  }
}
