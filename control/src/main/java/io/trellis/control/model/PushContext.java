package io.trellis.control.model;

import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.DestinationRule;
import io.trellis.api.model.networking.Gateway;
import io.trellis.api.model.networking.Sidecar;
import io.trellis.api.model.networking.VirtualService;
import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.registry.HostNames;
import io.trellis.control.registry.LabelMatch;
import io.trellis.control.registry.MeshService;
import io.trellis.control.registry.ServiceRegistry;
import io.trellis.control.translate.ProxyConfigGenerator;
import io.trellis.control.translate.SidecarGenerator;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsGenerator;
import io.trellis.control.xds.XdsResources;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;

/**
 * One immutable, indexed snapshot of configuration and services: Istio's PushContext. Built once
 * per configuration version by {@link #build}; every lookup translation makes is an index hit.
 *
 * <p>As an {@link XdsGenerator} it generates each proxy's resources, caching them per {@link
 * ProxyShape} (kind, namespace, labels): generation is a pure function of this context and the
 * shape, so equal shapes share one result, and the cache lives exactly as long as this context.
 */
public final class PushContext implements XdsGenerator {
  private static final Comparator<Resource<?>> BY_KEY = Comparator.comparing(Resource::key);

  private final long version;
  private final ServiceRegistry registry;
  private final MeshDefaults mesh;
  private final Map<String, List<ResolvedVirtualService>> virtualServicesByGateway = new HashMap<>();
  private final Map<String, List<ResolvedVirtualService>> meshVirtualServicesByHost = new HashMap<>();
  private final List<ResolvedVirtualService> meshWildcardVirtualServices = new ArrayList<>();
  private final Map<String, List<Resource<DestinationRule>>> destinationRulesByHost = new HashMap<>();
  private final List<Resource<DestinationRule>> wildcardDestinationRules = new ArrayList<>();
  private final Map<String, List<Resource<Sidecar>>> sidecarsByNamespace = new HashMap<>();
  private final List<Resource<Gateway>> gateways;
  private final ConcurrentHashMap<String, List<MeshService>> visibleServices = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, SidecarScope> scopes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<ProxyShape, FutureTask<XdsResources>> generated = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<Object, Object> memo = new ConcurrentHashMap<>();
  /** The configuration this context was built from, to compare the next one with. */
  private final Map<io.trellis.api.model.ResourceKey, Resource<?>> resources;
  /** The previous context's memo, whose {@link InheritableKey} values this one may take over. */
  private final Map<Object, Object> inherited;
  /** What changed since {@link #inherited} was computed. */
  private final ConfigChanges changes;
  private final Map<String, ResolvedVirtualService> virtualServicesByName = new HashMap<>();
  /** Label keys some VirtualService match observes ({@code sourceLabels}). */
  private final Set<String> sourceLabelKeys = new HashSet<>();
  /** Whether some DestinationRule balances by locality, making the proxy's locality matter. */
  private final boolean localityAware;

  private PushContext(ConfigSnapshot snapshot, MeshDefaults mesh, PushContext previous) {
    this.version = snapshot.version();
    this.mesh = mesh;
    this.registry = ServiceRegistry.build(snapshot);
    this.resources = snapshot.resources();
    if (previous != null && previous.mesh.equals(mesh)) {
      this.inherited = previous.memo;
      this.changes = ConfigChanges.between(previous.resources, previous.registry, resources, registry);
    } else {
      this.inherited = Map.of();
      this.changes = null;
    }
    for (Resource<VirtualService> r : snapshot.ofType(VirtualService.class)) {
      ResolvedVirtualService vs = ResolvedVirtualService.of(r);
      virtualServicesByName.put(r.namespace() + "/" + r.name(), vs);
      r.spec().http().forEach(h -> h.match().forEach(m -> sourceLabelKeys.addAll(m.sourceLabels().keySet())));
      r.spec().tls().forEach(t -> t.match().forEach(m -> sourceLabelKeys.addAll(m.sourceLabels().keySet())));
      r.spec().tcp().forEach(t -> t.match().forEach(m -> sourceLabelKeys.addAll(m.sourceLabels().keySet())));
      for (String g : vs.gateways()) {
        virtualServicesByGateway.computeIfAbsent(g, k -> new ArrayList<>()).add(vs);
      }
      if (vs.boundTo(ResolvedVirtualService.MESH)) {
        for (String h : vs.hosts()) {
          if (h.startsWith("*")) {
            if (!meshWildcardVirtualServices.contains(vs)) {
              meshWildcardVirtualServices.add(vs);
            }
          } else {
            meshVirtualServicesByHost.computeIfAbsent(h, k -> new ArrayList<>()).add(vs);
          }
        }
      }
    }
    boolean locality = false;
    for (Resource<DestinationRule> r : snapshot.ofType(DestinationRule.class)) {
      locality |= balancesByLocality(r.spec());
      String host = HostNames.fqdn(r.spec().host(), r.namespace());
      if (host.startsWith("*")) {
        wildcardDestinationRules.add(r);
      } else {
        destinationRulesByHost.computeIfAbsent(host, k -> new ArrayList<>()).add(r);
      }
    }
    this.localityAware = locality;
    for (Resource<Sidecar> r : snapshot.ofType(Sidecar.class)) {
      sidecarsByNamespace.computeIfAbsent(r.namespace(), k -> new ArrayList<>()).add(r);
    }
    this.gateways = snapshot.ofType(Gateway.class);
  }

  private static boolean balancesByLocality(DestinationRule dr) {
    List<io.trellis.api.model.networking.TrafficPolicy> policies = new ArrayList<>();
    policies.add(dr.trafficPolicy());
    dr.subsets().forEach(s -> policies.add(s.trafficPolicy()));
    for (var p : policies) {
      if (p == null) {
        continue;
      }
      if (p.loadBalancer() != null && p.loadBalancer().localityLbSetting() != null) {
        return true;
      }
      for (var pl : p.portLevelSettings()) {
        if (pl.loadBalancer() != null && pl.loadBalancer().localityLbSetting() != null) {
          return true;
        }
      }
    }
    return false;
  }

  /** The push context for a snapshot, with Istio's mesh defaults. */
  public static PushContext build(ConfigSnapshot snapshot) {
    return build(snapshot, MeshDefaults.ISTIO);
  }

  public static PushContext build(ConfigSnapshot snapshot, MeshDefaults mesh) {
    return new PushContext(Objects.requireNonNull(snapshot, "snapshot"), Objects.requireNonNull(mesh, "mesh"), null);
  }

  /**
   * The push context for {@code snapshot}, taking over from {@code previous} (built from an earlier
   * snapshot) every memoized value that the changes in between cannot have affected ({@link
   * InheritableKey}); {@code null} for none. The result is the same as {@link #build(ConfigSnapshot,
   * MeshDefaults)}'s, only cheaper.
   */
  public static PushContext build(ConfigSnapshot snapshot, MeshDefaults mesh, PushContext previous) {
    return new PushContext(Objects.requireNonNull(snapshot, "snapshot"), Objects.requireNonNull(mesh, "mesh"), previous);
  }

  @Override
  public XdsResources generate(ProxyNode node) {
    return generate(shape(node), node);
  }

  /**
   * A delta proxy's generation is its shape's state-of-the-world one with route configurations
   * split for VHDS, so a fleet on both protocols translates each shape once.
   */
  private XdsResources generate(ProxyShape shape, ProxyNode node) {
    // The map only hands out the task; the generation runs outside the map's lock, so proxies of
    // other shapes are never held up behind it, and proxies of this shape wait for one result.
    FutureTask<XdsResources> task =
        generated.computeIfAbsent(
            shape,
            s ->
                new FutureTask<>(
                    () ->
                        s.delta()
                            ? ProxyConfigGenerator.forDelta(this, generate(s.withDelta(false), node.withDelta(false)))
                            : ProxyConfigGenerator.generate(this, node)));
    task.run();
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException("generating xDS for " + node.id() + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while generating xDS for " + node.id(), e);
    }
  }

  /** The proxy's {@link ProxyShape}: cheap to compute (index lookups), unlike a generation. */
  ProxyShape shape(ProxyNode node) {
    Map<String, String> observed = observedLabels(node);
    String sidecar = "";
    List<?> attached = List.of();
    switch (node.kind()) {
      case SIDECAR -> {
        SidecarScope scope = sidecarScope(node);
        sidecar = scope.sidecar().map(r -> r.key().toString()).orElse("");
        attached = SidecarGenerator.inboundPorts(this, node, scope);
      }
      case ROUTER -> attached = gatewaysFor(node.labels()).stream().map(Resource::key).toList();
      case PROXYLESS_GRPC -> {}
    }
    return new ProxyShape(node.kind(), node.namespace(), sidecar, observed, attached, node.delta());
  }

  /**
   * A value computed at most about once per push context and shared by every proxy that needs it
   * (a cluster, its endpoints): proxies of different shapes mostly see the same services, and
   * building each proto once instead of once per shape is what keeps a push cheap. {@code key}
   * must capture everything the value depends on; two threads may race to compute the same key,
   * which wastes work but stays correct because computations are pure.
   */
  @SuppressWarnings("unchecked")
  public <T> T memo(Object key, java.util.function.Supplier<T> compute) {
    Object v = memo.get(key);
    if (v == null) {
      Object earlier = inherited.get(key);
      // Only values used in this context move into its memo, so the next one inherits no more
      // than the configuration still needs.
      v = earlier != null && key instanceof InheritableKey k && k.survives(changes) ? earlier : compute.get();
      Object prior = memo.putIfAbsent(key, v);
      if (prior != null) {
        v = prior;
      }
    }
    return (T) v;
  }

  /**
   * The proxy's labels that configuration can observe: those some VirtualService matches in {@code
   * sourceLabels}, and the topology labels when some DestinationRule balances by locality. Two
   * proxies in one namespace with the same Sidecar and equal observed labels get equal outbound
   * configuration.
   */
  public Map<String, String> observedLabels(ProxyNode node) {
    Map<String, String> observed = new TreeMap<>();
    node.labels().forEach((k, v) -> {
      if (sourceLabelKeys.contains(k) || (localityAware && k.startsWith("topology."))) {
        observed.put(k, v);
      }
    });
    return observed;
  }

  /** The configuration version this context was built from. */
  public long version() {
    return version;
  }

  public ServiceRegistry registry() {
    return registry;
  }

  public MeshDefaults mesh() {
    return mesh;
  }

  /** Services a proxy in {@code namespace} may see (exportTo), sorted by host then namespace. */
  public List<MeshService> visibleServices(String namespace) {
    return visibleServices.computeIfAbsent(
        namespace, ns -> registry.services().stream().filter(s -> s.visibleTo(ns)).toList());
  }

  /**
   * The service a host names, seen from {@code namespace}: one in that namespace if several
   * ServiceEntries declare the host, else the first visible one.
   */
  public Optional<MeshService> service(String host, String namespace) {
    MeshService first = null;
    for (MeshService s : registry.byHost(host)) {
      if (!s.visibleTo(namespace)) {
        continue;
      }
      if (s.namespace().equals(namespace)) {
        return Optional.of(s);
      }
      if (first == null) {
        first = s;
      }
    }
    return Optional.ofNullable(first);
  }

  /** The Sidecar scope of a proxy: the Sidecar that selects it, its namespace's, or the root one. */
  public SidecarScope sidecarScope(ProxyNode node) {
    Optional<Resource<Sidecar>> sidecar = sidecarFor(node.namespace(), node.labels());
    String key = node.namespace() + "|" + sidecar.map(s -> s.key().toString()).orElse("");
    return scopes.computeIfAbsent(key, k -> computeScope(node.namespace(), sidecar));
  }

  private Optional<Resource<Sidecar>> sidecarFor(String namespace, Map<String, String> labels) {
    List<Resource<Sidecar>> inNs = sidecarsByNamespace.getOrDefault(namespace, List.of());
    for (Resource<Sidecar> s : inNs) {
      if (s.spec().workloadSelector() != null && !s.spec().workloadSelector().labels().isEmpty()
          && LabelMatch.selects(s.spec().workloadSelector().labels(), labels)) {
        return Optional.of(s);
      }
    }
    for (Resource<Sidecar> s : inNs) {
      if (s.spec().workloadSelector() == null || s.spec().workloadSelector().labels().isEmpty()) {
        return Optional.of(s);
      }
    }
    for (Resource<Sidecar> s : sidecarsByNamespace.getOrDefault(mesh.rootNamespace(), List.of())) {
      if (s.spec().workloadSelector() == null || s.spec().workloadSelector().labels().isEmpty()) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  private SidecarScope computeScope(String namespace, Optional<Resource<Sidecar>> sidecar) {
    List<MeshService> visible = visibleServices(namespace);
    List<SidecarScope.Egress> egress = new ArrayList<>();
    Sidecar.OutboundTrafficPolicy.Mode mode = mesh.outboundTrafficPolicy();
    if (sidecar.isEmpty() || sidecar.get().spec().egress().isEmpty()) {
      egress.add(new SidecarScope.Egress(null, "", Sidecar.CaptureMode.DEFAULT, List.of("*/*"), visible));
    } else {
      for (Sidecar.IstioEgressListener e : sidecar.get().spec().egress()) {
        List<MeshService> admitted =
            visible.stream().filter(s -> SidecarScope.Egress.admits(e.hosts(), s.namespace(), s.hostname(), namespace)).toList();
        Sidecar.SidecarPort port = e.port() == null || e.port().number() == 0 ? null : e.port();
        egress.add(new SidecarScope.Egress(port, e.bind(), e.captureMode(), e.hosts(), admitted));
      }
    }
    if (sidecar.isPresent() && sidecar.get().spec().outboundTrafficPolicy() != null) {
      mode = sidecar.get().spec().outboundTrafficPolicy().mode();
    }
    return new SidecarScope(namespace, sidecar, egress, mode);
  }

  /**
   * The VirtualService bound to sidecars ({@code mesh}) that routes {@code host} for a proxy in
   * {@code namespace}, within the egress listener's host filters: an exact host beats a wildcard,
   * a VirtualService in the proxy's namespace beats one in the service's, which beats others;
   * ties go to the lowest resource key (Istio takes the oldest; keys are what a snapshot keeps).
   */
  public Optional<ResolvedVirtualService> meshVirtualService(String host, String namespace, SidecarScope.Egress egress) {
    Optional<ResolvedVirtualService> exact = pick(meshVirtualServicesByHost.getOrDefault(host, List.of()), host, namespace, egress);
    if (exact.isPresent()) {
      return exact;
    }
    List<ResolvedVirtualService> wild = new ArrayList<>();
    for (ResolvedVirtualService vs : meshWildcardVirtualServices) {
      if (vs.hosts().stream().anyMatch(h -> HostNames.covers(h, host))) {
        wild.add(vs);
      }
    }
    return pick(wild, host, namespace, egress);
  }

  private Optional<ResolvedVirtualService> pick(List<ResolvedVirtualService> candidates, String host, String namespace, SidecarScope.Egress egress) {
    ResolvedVirtualService best = null;
    int bestRank = Integer.MAX_VALUE;
    for (ResolvedVirtualService vs : candidates) {
      if (!vs.visibleTo(namespace) || (egress != null && !egress.admits(vs.namespace(), host, namespace))) {
        continue;
      }
      int rank = vs.namespace().equals(namespace) ? 0 : 1;
      if (rank < bestRank || (rank == bestRank && vs.resource().key().compareTo(best.resource().key()) < 0)) {
        best = vs;
        bestRank = rank;
      }
    }
    return Optional.ofNullable(best);
  }

  /** A VirtualService by namespace and name: how a delegating rule finds its delegate. */
  public Optional<ResolvedVirtualService> virtualService(String namespace, String name) {
    return Optional.ofNullable(virtualServicesByName.get(namespace + "/" + name));
  }

  /** VirtualServices bound to a gateway ({@code ns/name}), sorted by resource key. */
  public List<ResolvedVirtualService> virtualServicesForGateway(String gateway) {
    List<ResolvedVirtualService> l = new ArrayList<>(virtualServicesByGateway.getOrDefault(gateway, List.of()));
    l.sort(Comparator.comparing(vs -> vs.resource().key()));
    return l;
  }

  /**
   * The DestinationRule for {@code host} as a proxy in {@code namespace} sees it, by Istio's
   * lookup order: a rule in the proxy's namespace, then one in the service's namespace, then one in
   * the root namespace, then any other exported to the proxy; within each, an exact host beats the
   * most specific wildcard.
   */
  public Optional<Resource<DestinationRule>> destinationRule(String host, String namespace, String serviceNamespace) {
    List<Resource<DestinationRule>> candidates = new ArrayList<>(destinationRulesByHost.getOrDefault(host, List.of()));
    List<Resource<DestinationRule>> wild = new ArrayList<>();
    for (Resource<DestinationRule> r : wildcardDestinationRules) {
      if (HostNames.covers(HostNames.fqdn(r.spec().host(), r.namespace()), host)) {
        wild.add(r);
      }
    }
    // Most specific wildcard first: the longest pattern.
    wild.sort(Comparator.comparingInt((Resource<DestinationRule> r) -> -r.spec().host().length()).thenComparing(BY_KEY));
    candidates.sort(BY_KEY);
    candidates.addAll(wild);
    for (String ns : List.of(namespace, serviceNamespace, mesh.rootNamespace())) {
      for (Resource<DestinationRule> r : candidates) {
        if (r.namespace().equals(ns) && (ns.equals(namespace) || exported(r, namespace))) {
          return Optional.of(r);
        }
      }
    }
    for (Resource<DestinationRule> r : candidates) {
      if (exported(r, namespace)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  private static boolean exported(Resource<DestinationRule> r, String namespace) {
    List<String> to = r.spec().exportTo();
    if (to.isEmpty() || to.contains("*")) {
      return true;
    }
    return to.contains(namespace) || (to.contains(".") && r.namespace().equals(namespace));
  }

  /** Gateways whose selector matches a gateway proxy's labels (in any namespace, Istio's default). */
  public List<Resource<Gateway>> gatewaysFor(Map<String, String> labels) {
    return gateways.stream()
        .filter(g -> !g.spec().selector().isEmpty() && LabelMatch.selects(g.spec().selector(), labels))
        .sorted(BY_KEY)
        .toList();
  }
}
