package io.trellis.control.translate;

import com.google.protobuf.BoolValue;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.trellis.control.model.PushContext;
import io.trellis.control.model.ResolvedVirtualService;
import io.trellis.control.registry.MeshService;
import io.trellis.control.registry.ServicePort;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsResources;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Istio's gRPC generator gives a proxyless gRPC client: for every service port, an
 * api_listener named {@code HOST:PORT} (the authority a channel to {@code xds:///HOST:PORT} asks
 * for) whose connection manager takes routes over RDS under the same name; EDS clusters and their
 * endpoints. Only what gRPC's xDS client implements is emitted: weighted clusters, header, path
 * and prefix matches, timeouts, explicit retries, fault injection, ring hash; no default retry
 * policy, CORS or mirroring, and no Envoy-only cluster extensions.
 */
public final class GrpcGenerator {
  private GrpcGenerator() {}

  public static XdsResources generate(PushContext ctx, ProxyNode node) {
    XdsResources.Builder out = XdsResources.builder(SharedResources.of(ctx));
    String ns = node.namespace();
    String locality = Localities.ofProxy(node.labels());
    List<MeshService> services = new ArrayList<>();
    for (MeshService s : ctx.visibleServices(ns)) {
      if (s.resolution() == MeshService.Resolution.STATIC && !s.hostname().startsWith("*")) {
        services.add(s);
      }
    }
    for (ClusterTarget t : ClusterTarget.enumerate(ctx, ns, services)) {
      if (!t.eds()) {
        continue;
      }
      out.add(ClusterGenerator.outbound(ctx, t, locality, true));
      out.add(EndpointGenerator.loadAssignment(ctx, t, locality));
    }
    for (MeshService s : services) {
      for (ServicePort p : s.ports()) {
        if (!carriesGrpc(p)) {
          continue;
        }
        String name = s.hostname() + ":" + p.port();
        HttpConnectionManager hcm =
            NetworkFilters.hcmConfig(NetworkFilters.hcm(name, new NetworkFilters.Named(name), false, true));
        out.add(
            Listener.newBuilder()
                .setName(name)
                .setApiListener(ApiListener.newBuilder().setApiListener(Envoy.any(hcm)))
                .build());
        out.add(routes(ctx, node, s, p.port(), name));
      }
    }
    return out.build();
  }

  /** gRPC runs over HTTP/2: ports declared for another protocol (TCP, TLS, Mongo, …) get no listener. */
  private static boolean carriesGrpc(ServicePort p) {
    return p.protocol().isHttp() || p.protocol() == io.trellis.control.registry.ServiceProtocol.UNKNOWN;
  }

  private static RouteConfiguration routes(PushContext ctx, ProxyNode node, MeshService s, int port, String name) {
    RouteTarget rt = new RouteTarget(ctx, ProxyNode.Kind.PROXYLESS_GRPC, node.namespace(), node.labels(), port, ResolvedVirtualService.MESH);
    Optional<ResolvedVirtualService> vs = ctx.meshVirtualService(s.hostname(), node.namespace(), null);
    List<Route> routes = vs.map(v -> HttpRouteTranslator.translate(v, rt)).orElse(List.of());
    if (routes.isEmpty()) {
      routes = List.of(HttpRouteTranslator.defaultRoute(Envoy.outboundCluster(port, "", s.hostname()), rt));
    }
    return RouteConfiguration.newBuilder()
        .setName(name)
        .setValidateClusters(BoolValue.of(false))
        .addVirtualHosts(
            VirtualHost.newBuilder().setName(name).addAllDomains(ServiceDomains.of(s, port, node.namespace())).addAllRoutes(routes))
        .build();
  }
}
