package io.trellis.control.translate;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.trellis.api.model.Resource;
import io.trellis.api.model.networking.Gateway;
import io.trellis.api.model.networking.ServerTlsSettings;
import io.trellis.control.model.PushContext;
import io.trellis.control.model.ResolvedVirtualService;
import io.trellis.control.registry.HostNames;
import io.trellis.control.registry.ServiceProtocol;
import io.trellis.control.translate.NetworkFilters.WeightedTarget;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsResources;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything a gateway (Istio's {@code router}) gets: a listener per port of the Gateway servers
 * that select it; plain HTTP servers share one route configuration {@code http.PORT}; each
 * terminating HTTPS server gets a filter chain matched by SNI with its certificates and its own
 * route configuration; TLS passthrough routes by SNI to a TCP proxy; TCP servers proxy to their
 * VirtualService's destination. Virtual hosts are the intersection of the server's hosts and the
 * bound VirtualServices' hosts, as Istio computes them; VirtualServices that share a host on a
 * gateway have their routes merged in resource order.
 */
public final class GatewayGenerator {
  private GatewayGenerator() {}

  /** One server of one Gateway. */
  private record ServerRef(Resource<Gateway> gateway, Gateway.Server server) {
    String gatewayName() {
      return gateway.namespace() + "/" + gateway.name();
    }

    ServiceProtocol protocol() {
      return ServiceProtocol.parse(server.port().protocol());
    }

    boolean terminatesTls() {
      return server.tls() != null
          && server.tls().mode() != ServerTlsSettings.TlsMode.PASSTHROUGH
          && server.tls().mode() != ServerTlsSettings.TlsMode.AUTO_PASSTHROUGH;
    }
  }

  public static XdsResources generate(PushContext ctx, ProxyNode node) {
    XdsResources.Builder out = XdsResources.builder(SharedResources.of(ctx));
    String locality = Localities.ofProxy(node.labels());
    for (ClusterTarget t : ClusterTarget.enumerate(ctx, node.namespace(), ctx.visibleServices(node.namespace()))) {
      out.add(ClusterGenerator.outbound(ctx, t, locality, false));
      if (t.eds()) {
        out.add(EndpointGenerator.loadAssignment(ctx, t, locality));
      }
    }
    out.add(ClusterGenerator.blackhole());

    Map<String, List<ServerRef>> byListener = new TreeMap<>();
    for (Resource<Gateway> g : ctx.gatewaysFor(node.labels())) {
      for (Gateway.Server s : g.spec().servers()) {
        String bind = s.bind().isEmpty() ? "0.0.0.0" : s.bind();
        byListener.computeIfAbsent(bind + "_" + s.port().number(), k -> new ArrayList<>()).add(new ServerRef(g, s));
      }
    }
    for (var e : byListener.entrySet()) {
      List<ServerRef> servers = e.getValue();
      int port = servers.getFirst().server().port().number();
      String bind = e.getKey().substring(0, e.getKey().lastIndexOf('_'));
      Listener.Builder l = Listener.newBuilder().setName(e.getKey()).setAddress(Envoy.address(bind, port));
      boolean sni = false;
      List<ServerRef> plainHttp = new ArrayList<>();
      for (ServerRef s : servers) {
        ServiceProtocol p = s.protocol();
        if (p.isHttp()) {
          plainHttp.add(s);
        } else if (p == ServiceProtocol.HTTPS && s.terminatesTls()) {
          String routeName = httpsRouteName(s);
          l.addFilterChains(
              FilterChain.newBuilder()
                  .setName(routeName)
                  .setFilterChainMatch(serverNames(s))
                  .setTransportSocket(downstreamTls(s.server().tls(), true))
                  .addFilters(NetworkFilters.hcm("outbound_" + e.getKey(), new NetworkFilters.Named(routeName), true, false)));
          out.add(httpRoutes(ctx, node, List.of(s), port, routeName));
          sni = true;
        } else if (p.isTls()) {
          sni = true;
          RouteTarget rt = target(ctx, node, port, s);
          Map<String, List<WeightedTarget>> routes = new TreeMap<>();
          for (ResolvedVirtualService vs : ctx.virtualServicesForGateway(s.gatewayName())) {
            if (s.terminatesTls()) {
              continue;
            }
            for (var r : L4RouteTranslator.tls(vs, rt).entrySet()) {
              if (s.server().hosts().stream().anyMatch(h -> HostNames.intersect(hostPart(h), r.getKey()))) {
                routes.putIfAbsent(r.getKey(), r.getValue());
              }
            }
          }
          if (s.terminatesTls()) {
            tcpTargets(ctx, s, rt)
                .ifPresent(
                    targets ->
                        l.addFilterChains(
                            FilterChain.newBuilder()
                                .setName("tls_" + s.gatewayName())
                                .setFilterChainMatch(serverNames(s))
                                .setTransportSocket(downstreamTls(s.server().tls(), false))
                                .addFilters(NetworkFilters.tcpProxy(targets.getFirst().cluster(), targets))));
          }
          for (var r : routes.entrySet()) {
            l.addFilterChains(
                FilterChain.newBuilder()
                    .setName("sni_" + r.getKey())
                    .setFilterChainMatch(FilterChainMatch.newBuilder().addServerNames(r.getKey()))
                    .addFilters(NetworkFilters.tcpProxy(r.getValue().getFirst().cluster(), r.getValue())));
          }
        } else {
          tcpTargets(ctx, s, target(ctx, node, port, s))
              .ifPresent(
                  targets ->
                      l.addFilterChains(
                          FilterChain.newBuilder()
                              .setName("tcp_" + s.gatewayName())
                              .addFilters(NetworkFilters.tcpProxy(targets.getFirst().cluster(), targets))));
        }
      }
      if (!plainHttp.isEmpty()) {
        String routeName = "http." + port;
        l.addFilterChains(
            FilterChain.newBuilder().addFilters(NetworkFilters.hcm("outbound_" + e.getKey(), new NetworkFilters.Named(routeName), true, false)));
        out.add(httpRoutes(ctx, node, plainHttp, port, routeName));
      }
      if (sni) {
        l.addListenerFilters(NetworkFilters.tlsInspector());
      }
      if (l.getFilterChainsCount() > 0) {
        out.add(l.build());
      }
    }
    return out.build();
  }

  private static RouteTarget target(PushContext ctx, ProxyNode node, int port, ServerRef s) {
    return new RouteTarget(ctx, ProxyNode.Kind.ROUTER, node.namespace(), node.labels(), port, s.gatewayName());
  }

  private static Optional<List<WeightedTarget>> tcpTargets(PushContext ctx, ServerRef s, RouteTarget rt) {
    for (ResolvedVirtualService vs : ctx.virtualServicesForGateway(s.gatewayName())) {
      if (!hostsOf(s, vs).isEmpty()) {
        Optional<List<WeightedTarget>> t = L4RouteTranslator.tcp(vs, rt);
        if (t.isPresent() && !t.get().isEmpty()) {
          return t;
        }
      }
    }
    return Optional.empty();
  }

  /** Istio's name for an HTTPS server's routes: {@code https.PORT.PORTNAME.GATEWAY.NAMESPACE}. */
  private static String httpsRouteName(ServerRef s) {
    return "https." + s.server().port().number() + "." + s.server().port().name() + "." + s.gateway().name() + "." + s.gateway().namespace();
  }

  private static String hostPart(String serverHost) {
    int slash = serverHost.indexOf('/');
    return slash < 0 ? serverHost : serverHost.substring(slash + 1);
  }

  private static FilterChainMatch serverNames(ServerRef s) {
    FilterChainMatch.Builder m = FilterChainMatch.newBuilder();
    for (String h : s.server().hosts()) {
      String host = hostPart(h);
      if (!host.equals("*")) {
        m.addServerNames(host);
      }
    }
    return m.build();
  }

  /**
   * The hosts a VirtualService gets on a server: each pairing of a server host ({@code ns/host},
   * where {@code ns} limits which namespaces' VirtualServices may bind) with a VirtualService host
   * that intersects it, narrowed to the more specific of the two.
   */
  private static List<String> hostsOf(ServerRef s, ResolvedVirtualService vs) {
    List<String> out = new ArrayList<>();
    for (String sh : s.server().hosts()) {
      int slash = sh.indexOf('/');
      String ns = slash < 0 ? "*" : sh.substring(0, slash);
      String host = hostPart(sh);
      if (!(ns.equals("*") || (ns.equals(".") ? vs.namespace().equals(s.gateway().namespace()) : ns.equals(vs.namespace())))) {
        continue;
      }
      for (String vh : vs.hosts()) {
        if (HostNames.intersect(host, vh)) {
          String h = HostNames.narrower(host, vh);
          if (!out.contains(h)) {
            out.add(h);
          }
        }
      }
    }
    return out;
  }

  /**
   * A gateway virtual host's domains, as Istio's: the host, and the host with any port, since a
   * client behind a load balancer or node port names a port the gateway does not know. A host that is
   * already a wildcard can carry only the gateway's own port (Envoy allows one wildcard per domain).
   */
  static List<String> domains(String host, int port) {
    if (host.equals("*")) {
      return List.of(host);
    }
    return List.of(host, host + (host.startsWith("*") ? ":" + port : ":*"));
  }

  private static RouteConfiguration httpRoutes(PushContext ctx, ProxyNode node, List<ServerRef> servers, int port, String name) {
    Map<String, List<Route>> byHost = new LinkedHashMap<>();
    Map<String, Boolean> requireTls = new TreeMap<>();
    for (ServerRef s : servers) {
      RouteTarget rt = target(ctx, node, port, s);
      boolean redirect = s.server().tls() != null && s.server().tls().httpsRedirect();
      for (ResolvedVirtualService vs : ctx.virtualServicesForGateway(s.gatewayName())) {
        List<String> hosts = hostsOf(s, vs);
        if (hosts.isEmpty()) {
          continue;
        }
        List<Route> routes = HttpRouteTranslator.translate(vs, rt);
        for (String h : hosts) {
          byHost.computeIfAbsent(h, k -> new ArrayList<>()).addAll(routes);
          requireTls.merge(h, redirect, Boolean::logicalOr);
        }
      }
    }
    RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName(name).setValidateClusters(BoolValue.of(false));
    for (var e : new TreeMap<>(byHost).entrySet()) {
      if (e.getValue().isEmpty()) {
        continue;
      }
      VirtualHost.Builder vh = VirtualHost.newBuilder().setName(e.getKey() + ":" + port).addAllDomains(domains(e.getKey(), port)).addAllRoutes(e.getValue());
      if (requireTls.getOrDefault(e.getKey(), false)) {
        vh.setRequireTls(VirtualHost.TlsRequirementType.ALL);
      }
      rc.addVirtualHosts(vh);
    }
    if (rc.getVirtualHostsCount() == 0) {
      // Istio's answer when nothing is bound: a 404 for every host, rather than a NACKed config.
      rc.addVirtualHosts(
          VirtualHost.newBuilder()
              .setName("blackhole:" + port)
              .addDomains("*")
              .addRoutes(
                  Route.newBuilder()
                      .setName("default")
                      .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                      .setDirectResponse(DirectResponseAction.newBuilder().setStatus(404))));
    }
    return rc.build();
  }

  private static TransportSocket downstreamTls(ServerTlsSettings tls, boolean http) {
    CommonTlsContext.Builder c = CommonTlsContext.newBuilder();
    if (!tls.credentialName().isEmpty()) {
      c.addTlsCertificateSdsSecretConfigs(SdsSecretConfig.newBuilder().setName("kubernetes://" + tls.credentialName()).setSdsConfig(Envoy.ADS));
    } else if (!tls.serverCertificate().isEmpty()) {
      c.addTlsCertificates(
          TlsCertificate.newBuilder()
              .setCertificateChain(DataSource.newBuilder().setFilename(tls.serverCertificate()))
              .setPrivateKey(DataSource.newBuilder().setFilename(tls.privateKey())));
    }
    for (ServerTlsSettings.TlsCertificate t : tls.tlsCertificates()) {
      c.addTlsCertificates(
          TlsCertificate.newBuilder()
              .setCertificateChain(DataSource.newBuilder().setFilename(t.serverCertificate()))
              .setPrivateKey(DataSource.newBuilder().setFilename(t.privateKey())));
    }
    boolean mutual = tls.mode() == ServerTlsSettings.TlsMode.MUTUAL || tls.mode() == ServerTlsSettings.TlsMode.OPTIONAL_MUTUAL;
    if (mutual || !tls.caCertificates().isEmpty()) {
      CertificateValidationContext.Builder v = CertificateValidationContext.newBuilder();
      if (!tls.caCertificates().isEmpty()) {
        v.setTrustedCa(DataSource.newBuilder().setFilename(tls.caCertificates()));
      }
      for (String san : tls.subjectAltNames()) {
        v.addMatchTypedSubjectAltNames(
            SubjectAltNameMatcher.newBuilder().setSanType(SubjectAltNameMatcher.SanType.DNS).setMatcher(StringMatcher.newBuilder().setExact(san)));
      }
      c.setValidationContext(v);
    }
    if (http) {
      c.addAlpnProtocols("h2").addAlpnProtocols("http/1.1");
    }
    DownstreamTlsContext.Builder d = DownstreamTlsContext.newBuilder().setCommonTlsContext(c);
    if (tls.mode() == ServerTlsSettings.TlsMode.MUTUAL) {
      d.setRequireClientCertificate(BoolValue.of(true));
    }
    return TransportSocket.newBuilder().setName(Envoy.TLS_TRANSPORT).setTypedConfig(Envoy.any(d.build())).build();
  }
}
