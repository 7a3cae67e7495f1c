package io.trellis.control.translate;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.trellis.api.model.networking.Sidecar;
import io.trellis.control.model.PushContext;
import io.trellis.control.model.ResolvedVirtualService;
import io.trellis.control.model.SidecarScope;
import io.trellis.control.registry.MeshService;
import io.trellis.control.registry.ServiceProtocol;
import io.trellis.control.registry.ServicePort;
import io.trellis.control.registry.Workload;
import io.trellis.control.translate.NetworkFilters.WeightedTarget;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsResources;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything a sidecar gets. Outbound: a listener per service port (HTTP ports → an HCM whose
 * routes come over RDS under the port's number; TLS ports → filter chains by SNI; TCP ports → a
 * TCP proxy on the service VIP), Istio's {@code virtualOutbound} capture listener on 15001 that
 * hands captured connections to those listeners by original destination, explicit egress
 * listeners from the Sidecar resource, and a cluster per service port and subset. Inbound: the
 * {@code virtualInbound} listener on 15006 with a filter chain per port of the services that
 * select this workload, each to an {@code inbound|PORT||} cluster pointing at the app.
 */
public final class SidecarGenerator {
  /** Where the app listens when nothing says otherwise: Istio's classic inbound endpoint. */
  static final String DEFAULT_INBOUND_ADDRESS = "127.0.0.1";

  private SidecarGenerator() {}

  public static XdsResources generate(PushContext ctx, ProxyNode node) {
    SidecarScope scope = ctx.sidecarScope(node);
    String ns = node.namespace();
    String locality = Localities.ofProxy(node.labels());
    XdsResources.Builder out = XdsResources.builder(SharedResources.of(ctx));

    for (ClusterTarget t : ClusterTarget.enumerate(ctx, ns, scope.services())) {
      out.add(ClusterGenerator.outbound(ctx, t, locality, false));
      if (t.eds()) {
        out.add(EndpointGenerator.loadAssignment(ctx, t, locality));
      }
    }
    out.add(ClusterGenerator.passthrough(Envoy.PASSTHROUGH_CLUSTER));
    out.add(ClusterGenerator.passthrough(Envoy.INBOUND_PASSTHROUGH_CLUSTER));
    out.add(ClusterGenerator.blackhole());

    Set<Integer> explicitPorts = new HashSet<>();
    for (SidecarScope.Egress e : scope.egress()) {
      boolean wildcardBind = e.bind().isEmpty() || e.bind().equals("0.0.0.0");
      if (e.port() != null && wildcardBind && e.captureMode() != Sidecar.CaptureMode.NONE) {
        explicitPorts.add(e.port().number());
      }
    }
    for (SidecarScope.Egress e : scope.egress()) {
      if (e.port() == null) {
        defaultOutbound(ctx, node, scope, e, explicitPorts, out);
      } else {
        explicitEgress(ctx, node, scope, e, out);
      }
    }
    out.add(virtualOutbound(scope));
    inbound(ctx, node, scope, out);
    return out.build();
  }

  /** One service port a listener serves. */
  private record Entry(MeshService service, ServicePort port) {}

  private static void defaultOutbound(
      PushContext ctx, ProxyNode node, SidecarScope scope, SidecarScope.Egress egress, Set<Integer> skip, XdsResources.Builder out) {
    Map<Integer, List<Entry>> byPort = new TreeMap<>();
    for (MeshService s : egress.services()) {
      for (ServicePort p : s.ports()) {
        if (!skip.contains(p.port()) && p.protocol() != ServiceProtocol.UDP) {
          byPort.computeIfAbsent(p.port(), k -> new ArrayList<>()).add(new Entry(s, p));
        }
      }
    }
    for (var e : byPort.entrySet()) {
      portListeners(ctx, node, scope, egress, e.getKey(), e.getValue(), "0.0.0.0", false, String.valueOf(e.getKey()), out);
    }
  }

  private static void explicitEgress(PushContext ctx, ProxyNode node, SidecarScope scope, SidecarScope.Egress egress, XdsResources.Builder out) {
    int port = egress.port().number();
    boolean direct = egress.captureMode() == Sidecar.CaptureMode.NONE;
    String bind = !egress.bind().isEmpty() ? egress.bind() : direct ? "127.0.0.1" : "0.0.0.0";
    ServiceProtocol declared = ServiceProtocol.parse(egress.port().protocol());
    if (declared == ServiceProtocol.UNKNOWN) {
      declared = ServiceProtocol.fromPortName(egress.port().name());
    }
    List<Entry> entries = new ArrayList<>();
    for (MeshService s : egress.services()) {
      Optional<ServicePort> sp = s.port(port);
      // A Sidecar port admits its hosts on that port; the listener's protocol is the Sidecar's.
      ServicePort p = sp.orElse(null);
      if (p != null) {
        entries.add(new Entry(s, new ServicePort(p.name(), p.port(), declared == ServiceProtocol.UNKNOWN ? p.protocol() : declared, p.targetPort(), p.targetPortName())));
      }
    }
    // A captured listener on the wildcard address replaces the default one for its port, and takes
    // over its route name; any other is a listener of its own with routes of its own.
    String routeName = bind.equals("0.0.0.0") && !direct ? String.valueOf(port) : bind + "_" + port;
    if (entries.isEmpty() && declared.isHttp()) {
      // An HTTP egress port no admitted service declares still routes unknown hosts per policy.
      out.add(httpListener(bind, port, direct, routeName));
      out.add(routeConfig(ctx, node, scope, egress, port, List.of(), routeName));
    } else {
      portListeners(ctx, node, scope, egress, port, entries, bind, direct, routeName, out);
    }
  }

  private static void portListeners(
      PushContext ctx,
      ProxyNode node,
      SidecarScope scope,
      SidecarScope.Egress egress,
      int port,
      List<Entry> entries,
      String bind,
      boolean bindToPort,
      String routeName,
      XdsResources.Builder out) {
    List<Entry> http = entries.stream().filter(e -> e.port().protocol().isHttp()).toList();
    List<Entry> tls = entries.stream().filter(e -> e.port().protocol().isTls()).toList();
    List<Entry> tcp = entries.stream().filter(e -> !e.port().protocol().isHttp() && !e.port().protocol().isTls()).toList();
    boolean wildcardTaken = false;
    if (!http.isEmpty()) {
      out.add(httpListener(bind, port, bindToPort, routeName));
      out.add(routeConfig(ctx, node, scope, egress, port, http.stream().map(Entry::service).toList(), routeName));
      wildcardTaken = true;
    }
    if (!tls.isEmpty()) {
      List<FilterChain> chains = new ArrayList<>();
      Set<String> sniTaken = new HashSet<>();
      for (Entry e : tls) {
        RouteTarget rt = new RouteTarget(ctx, ProxyNode.Kind.SIDECAR, node.namespace(), node.labels(), port, ResolvedVirtualService.MESH);
        Optional<ResolvedVirtualService> vs = ctx.meshVirtualService(e.service().hostname(), node.namespace(), egress);
        Map<String, List<WeightedTarget>> routes = vs.map(v -> L4RouteTranslator.tls(v, rt)).orElse(Map.of());
        if (routes.isEmpty()) {
          routes = Map.of(e.service().hostname(), List.of(new WeightedTarget(Envoy.outboundCluster(port, "", e.service().hostname()), 100)));
        }
        for (var r : new TreeMap<>(routes).entrySet()) {
          if (sniTaken.add(r.getKey())) {
            chains.add(
                FilterChain.newBuilder()
                    .setName("outbound_tls_" + r.getKey())
                    .setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames(r.getKey()))
                    .addFilters(NetworkFilters.tcpProxy(r.getValue().getFirst().cluster(), r.getValue()))
                    .build());
          }
        }
      }
      String address = wildcardTaken ? tls.getFirst().service().vip() : bind;
      if (!address.isEmpty()) {
        out.add(
            listener(address, port, bindToPort)
                .addListenerFilters(NetworkFilters.tlsInspector())
                .addAllFilterChains(chains)
                .build());
        wildcardTaken |= address.equals(bind);
      }
    }
    Set<String> usedAddresses = new HashSet<>();
    for (Entry e : tcp) {
      String address = e.service().vip().isEmpty() ? bind : e.service().vip();
      if ((address.equals(bind) && wildcardTaken) || !usedAddresses.add(address)) {
        continue; // Istio's rule too: a second TCP service without its own VIP cannot share the port
      }
      RouteTarget rt = new RouteTarget(ctx, ProxyNode.Kind.SIDECAR, node.namespace(), node.labels(), port, ResolvedVirtualService.MESH);
      Optional<ResolvedVirtualService> vs = ctx.meshVirtualService(e.service().hostname(), node.namespace(), egress);
      List<WeightedTarget> targets =
          vs.flatMap(v -> L4RouteTranslator.tcp(v, rt))
              .orElse(List.of(new WeightedTarget(Envoy.outboundCluster(port, "", e.service().hostname()), 100)));
      String stat = targets.size() == 1 ? targets.getFirst().cluster() : Envoy.outboundCluster(port, "", e.service().hostname());
      out.add(
          listener(address, port, bindToPort)
              .addFilterChains(FilterChain.newBuilder().setName(stat).addFilters(NetworkFilters.tcpProxy(stat, targets)))
              .build());
    }
  }

  private static Listener.Builder listener(String address, int port, boolean bindToPort) {
    return Listener.newBuilder()
        .setName(address + "_" + port)
        .setAddress(Envoy.address(address, port))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        // Captured listeners receive connections from virtualOutbound, not from their own socket.
        .setBindToPort(BoolValue.of(bindToPort));
  }

  private static Listener httpListener(String address, int port, boolean bindToPort, String routeName) {
    return listener(address, port, bindToPort)
        .addFilterChains(
            FilterChain.newBuilder()
                .addFilters(NetworkFilters.hcm("outbound_" + address + "_" + port, new NetworkFilters.Named(routeName), false, false)))
        .build();
  }

  /**
   * The outbound route configuration for one HTTP port: a virtual host per service with every
   * name it answers to, routes from its VirtualService (or the default route), and a last
   * catch-all host per the outbound traffic policy.
   */
  static RouteConfiguration routeConfig(
      PushContext ctx, ProxyNode node, SidecarScope scope, SidecarScope.Egress egress, int port, List<MeshService> services, String name) {
    // Shared by every shape with the same outbound view (namespace, Sidecar, observed labels).
    Object key =
        List.of(
            "sidecar-routes",
            node.namespace(),
            scope.sidecar().map(r -> r.key().toString()).orElse(""),
            scope.egress().indexOf(egress),
            port,
            name,
            ctx.observedLabels(node),
            services.stream().map(s -> s.hostname() + "/" + s.namespace()).toList());
    return ctx.memo(key, () -> buildRouteConfig(ctx, node, scope, egress, port, services, name));
  }

  private static RouteConfiguration buildRouteConfig(
      PushContext ctx, ProxyNode node, SidecarScope scope, SidecarScope.Egress egress, int port, List<MeshService> services, String name) {
    RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(name).setValidateClusters(BoolValue.of(false));
    Set<String> usedDomains = new HashSet<>();
    RouteTarget rt = new RouteTarget(ctx, ProxyNode.Kind.SIDECAR, node.namespace(), node.labels(), port, ResolvedVirtualService.MESH);
    Map<String, MeshService> byHost = new LinkedHashMap<>();
    services.stream().sorted(java.util.Comparator.comparing(MeshService::hostname)).forEach(s -> byHost.putIfAbsent(s.hostname(), s));
    for (MeshService s : byHost.values()) {
      List<String> domains = new ArrayList<>();
      for (String d : ServiceDomains.of(s, port, node.namespace())) {
        if (usedDomains.add(d)) {
          domains.add(d);
        }
      }
      if (domains.isEmpty()) {
        continue;
      }
      Optional<ResolvedVirtualService> vs = ctx.meshVirtualService(s.hostname(), node.namespace(), egress);
      List<Route> routes = vs.map(v -> HttpRouteTranslator.translate(v, rt)).orElse(List.of());
      if (routes.isEmpty()) {
        routes = List.of(HttpRouteTranslator.defaultRoute(Envoy.outboundCluster(port, "", s.hostname()), rt));
      }
      rc.addVirtualHosts(VirtualHost.newBuilder().setName(s.hostname() + ":" + port).addAllDomains(domains).addAllRoutes(routes));
    }
    rc.addVirtualHosts(catchAllHost(scope.outboundPolicy(), rt));
    return rc.build();
  }

  private static VirtualHost catchAllHost(Sidecar.OutboundTrafficPolicy.Mode mode, RouteTarget rt) {
    if (mode == Sidecar.OutboundTrafficPolicy.Mode.REGISTRY_ONLY) {
      return VirtualHost.newBuilder()
          .setName("block_all")
          .addDomains("*")
          .addRoutes(
              Route.newBuilder()
                  .setName("block_all")
                  .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                  .setDirectResponse(DirectResponseAction.newBuilder().setStatus(502)))
          .build();
    }
    RouteAction.Builder a = RouteAction.newBuilder().setCluster(Envoy.PASSTHROUGH_CLUSTER);
    a.setTimeout(com.google.protobuf.Duration.getDefaultInstance());
    a.setMaxStreamDuration(
        RouteAction.MaxStreamDuration.newBuilder()
            .setMaxStreamDuration(com.google.protobuf.Duration.getDefaultInstance())
            .setGrpcTimeoutHeaderMax(com.google.protobuf.Duration.getDefaultInstance()));
    return VirtualHost.newBuilder()
        .setName("allow_any")
        .addDomains("*")
        .addRoutes(Route.newBuilder().setName("allow_any").setMatch(RouteMatch.newBuilder().setPrefix("/")).setRoute(a))
        .build();
  }

  /** Istio's capture listener: connections redirected by iptables arrive here and are handed on. */
  private static Listener virtualOutbound(SidecarScope scope) {
    String cluster =
        scope.outboundPolicy() == Sidecar.OutboundTrafficPolicy.Mode.REGISTRY_ONLY ? Envoy.BLACKHOLE_CLUSTER : Envoy.PASSTHROUGH_CLUSTER;
    return Listener.newBuilder()
        .setName(Envoy.VIRTUAL_OUTBOUND)
        .setAddress(Envoy.address("0.0.0.0", Envoy.OUTBOUND_CAPTURE_PORT))
        .setUseOriginalDst(BoolValue.of(true))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(
            FilterChain.newBuilder().setName("virtualOutbound-catchall-tcp").addFilters(NetworkFilters.tcpProxy(cluster, cluster)))
        .build();
  }

  /**
   * One port the workload serves: traffic for {@code listenPort} goes to {@code endpoint:port}.
   *
   * @param listenPort the port inbound traffic arrives for (the original destination port)
   * @param port the app's port
   * @param protocol what the port carries
   * @param bind the address of an explicit (uncaptured) listener; "" for the capture listener
   * @param endpoint the app's address
   * @param capture whether traffic arrives through the 15006 capture listener
   */
  public record InboundPort(int listenPort, int port, ServiceProtocol protocol, String bind, String endpoint, boolean capture) {}

  /**
   * The ports this sidecar's workload serves: from its Sidecar's {@code ingress} listeners when it
   * has any, else the target ports of the services that select its labels. Everything the inbound
   * side of a sidecar's configuration depends on, so proxies with equal inbound ports (and equal
   * outbound scope) can share one generation.
   */
  public static List<InboundPort> inboundPorts(PushContext ctx, ProxyNode node, SidecarScope scope) {
    Map<Integer, InboundPort> ports = new TreeMap<>();
    Optional<Sidecar> sidecar = scope.sidecar().map(r -> r.spec());
    if (sidecar.isPresent() && !sidecar.get().ingress().isEmpty()) {
      for (Sidecar.IstioIngressListener in : sidecar.get().ingress()) {
        ServiceProtocol p = ServiceProtocol.parse(in.port().protocol());
        if (p == ServiceProtocol.UNKNOWN) {
          p = ServiceProtocol.fromPortName(in.port().name());
        }
        String endpoint = in.defaultEndpoint();
        String address = DEFAULT_INBOUND_ADDRESS;
        int target = in.port().number();
        if (!endpoint.isEmpty() && !endpoint.startsWith("unix://")) {
          int colon = endpoint.lastIndexOf(':');
          address = endpoint.substring(0, colon);
          target = Integer.parseInt(endpoint.substring(colon + 1));
          if (address.equals("0.0.0.0")) {
            // Istio's "the instance IP": the proxy's own address.
            address = node.ipAddresses().isEmpty() ? DEFAULT_INBOUND_ADDRESS : node.ipAddresses().getFirst();
          }
        }
        boolean capture = in.captureMode() != Sidecar.CaptureMode.NONE && in.bind().isEmpty();
        ports.put(in.port().number(), new InboundPort(in.port().number(), target, p, in.bind(), address, capture));
      }
    } else {
      List<MeshService> selecting = ctx.registry().servicesSelecting(node.namespace(), node.labels());
      Workload self = null;
      if (selecting.stream().anyMatch(s -> s.ports().stream().anyMatch(p -> !p.targetPortName().isEmpty()))) {
        self =
            ctx.registry().workloads().stream()
                .filter(w -> w.namespace().equals(node.namespace()) && !node.labels().isEmpty() && w.labels().equals(node.labels()))
                .findFirst()
                .orElse(null);
      }
      for (MeshService s : selecting) {
        for (ServicePort p : s.ports()) {
          int target = p.targetPort() > 0 ? p.targetPort() : p.port();
          if (!p.targetPortName().isEmpty()) {
            Integer named = self == null ? null : self.namedPorts().get(p.targetPortName());
            if (named == null) {
              continue;
            }
            target = named;
          }
          ports.putIfAbsent(target, new InboundPort(target, target, p.protocol(), "", DEFAULT_INBOUND_ADDRESS, true));
        }
      }
    }
    return List.copyOf(ports.values());
  }

  private static void inbound(PushContext ctx, ProxyNode node, SidecarScope scope, XdsResources.Builder out) {
    Listener.Builder vi =
        Listener.newBuilder()
            .setName(Envoy.VIRTUAL_INBOUND)
            .setAddress(Envoy.address("0.0.0.0", Envoy.INBOUND_CAPTURE_PORT))
            .setTrafficDirection(TrafficDirection.INBOUND)
            .addListenerFilters(NetworkFilters.originalDst());
    for (InboundPort ip : inboundPorts(ctx, node, scope)) {
      int listenPort = ip.listenPort();
      out.add(ClusterGenerator.inbound(ip.port(), ip.endpoint(), ip.protocol().isHttp2()));
      String cluster = Envoy.inboundCluster(ip.port());
      Filter filter =
          ip.protocol().isHttp()
              ? NetworkFilters.hcm("inbound_0.0.0.0_" + listenPort, new NetworkFilters.Inline(inboundRoutes(ip, cluster)), false, false)
              : NetworkFilters.tcpProxy("inbound_0.0.0.0_" + listenPort, cluster);
      if (ip.capture()) {
        vi.addFilterChains(
            FilterChain.newBuilder()
                .setName("0.0.0.0_" + listenPort)
                .setFilterChainMatch(FilterChainMatch.newBuilder().setDestinationPort(com.google.protobuf.UInt32Value.of(listenPort)))
                .addFilters(filter));
      } else {
        String bind = ip.bind().isEmpty() ? "0.0.0.0" : ip.bind();
        out.add(
            Listener.newBuilder()
                .setName(bind + "_" + listenPort)
                .setAddress(Envoy.address(bind, listenPort))
                .setTrafficDirection(TrafficDirection.INBOUND)
                .addFilterChains(FilterChain.newBuilder().setName(bind + "_" + listenPort).addFilters(filter))
                .build());
      }
    }
    vi.addFilterChains(
        FilterChain.newBuilder()
            .setName("virtualInbound-catchall")
            .addFilters(NetworkFilters.tcpProxy(Envoy.INBOUND_PASSTHROUGH_CLUSTER, Envoy.INBOUND_PASSTHROUGH_CLUSTER)));
    out.add(vi.build());
  }

  private static RouteConfiguration inboundRoutes(InboundPort ip, String cluster) {
    RouteAction.Builder a = RouteAction.newBuilder().setCluster(cluster).setTimeout(com.google.protobuf.Duration.getDefaultInstance());
    a.setMaxStreamDuration(
        RouteAction.MaxStreamDuration.newBuilder()
            .setMaxStreamDuration(com.google.protobuf.Duration.getDefaultInstance())
            .setGrpcTimeoutHeaderMax(com.google.protobuf.Duration.getDefaultInstance()));
    return RouteConfiguration.newBuilder()
        .setName(cluster)
        .setValidateClusters(BoolValue.of(false))
        .addVirtualHosts(
            VirtualHost.newBuilder()
                .setName("inbound|http|" + ip.port())
                .addDomains("*")
                .addRoutes(Route.newBuilder().setName("default").setMatch(RouteMatch.newBuilder().setPrefix("/")).setRoute(a)))
        .build();
  }
}
