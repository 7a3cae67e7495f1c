package io.trellis.control.local;

import com.google.protobuf.Any;
import com.google.protobuf.BoolValue;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.DirectResponseAction;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reshapes a sidecar's Istio configuration for a pod without traffic capture (loopback isolation).
 *
 * <ul>
 *   <li>Inbound: each filter chain of {@code virtualInbound} (one per served port, matched by
 *       destination port) becomes a listener of its own bound at the pod's mesh address and that
 *       port; the {@code inbound|PORT||} clusters send to the app's address.
 *   <li>Outbound over HTTP: the per-port listeners Istio leaves unbound (they only ever receive
 *       connections handed over by the capture listener) are replaced by one HTTP proxy listener
 *       on the mesh address ({@link LocalNode#httpProxyPort()}, Istio's {@code HTTP_PROXY_PORT}
 *       idea). An app that sends {@code GET http://reviews:9080/…} there is routed by one route
 *       configuration holding every port's virtual hosts under their {@code host:port} names, so
 *       the VirtualService routes, retries, faults and timeouts of each port apply unchanged.
 *   <li>Outbound by explicit port (Sidecar egress listeners with {@code captureMode: NONE}, bound
 *       to the loopback or wildcard address): bound on the pod's mesh address instead, since many
 *       pods share the host's loopback.
 *   <li>{@code virtualOutbound} and {@code virtualInbound} go: nothing redirects connections to
 *       them, and every pod would want the same ports.
 * </ul>
 *
 * <p>Outbound TCP services are reachable only through explicit egress listeners in this mode: an
 * HTTP proxy cannot tell which TCP service a raw connection is for.
 */
public final class LoopbackSidecarRewrite {
  /** Name of the HTTP proxy listener and of its merged route configuration. */
  public static final String HTTP_PROXY = "trellis_http_proxy";

  static final String VIRTUAL_INBOUND = "virtualInbound";
  static final String VIRTUAL_OUTBOUND = "virtualOutbound";

  private static final String CATCH_ALL_BODY =
      "no mesh service answers to this host and port (the local mesh's HTTP proxy routes mesh services only)\n";

  private LoopbackSidecarRewrite() {}

  public static XdsResources rewrite(XdsResources in, LocalNode local) {
    XdsResources.Builder out = XdsResources.builder();
    ResourceCopy.copyExcept(in, Set.of(XdsType.CLUSTER.typeUrl(), XdsType.LISTENER.typeUrl()), out);
    ResourceCopy.clustersToApp(in, local.appIp(), out);

    Map<String, RouteConfiguration> routes = new TreeMap<>();
    in.ofType(XdsType.ROUTE).values().forEach(r -> routes.put(r.name(), (RouteConfiguration) r.message()));

    // Route configurations the HTTP proxy serves, by the port their listener was for.
    Map<Integer, String> proxiedRoutes = new TreeMap<>();
    HttpConnectionManager template = null;
    for (XdsResources.Resource r : in.ofType(XdsType.LISTENER).values()) {
      Listener l = (Listener) r.message();
      if (l.getName().equals(VIRTUAL_OUTBOUND)) {
        continue;
      }
      if (l.getName().equals(VIRTUAL_INBOUND)) {
        inboundListeners(l, local, out);
        continue;
      }
      if (l.hasBindToPort() && !l.getBindToPort().getValue()) {
        int port = l.getAddress().getSocketAddress().getPortValue();
        for (FilterChain chain : l.getFilterChainsList()) {
          for (Filter f : chain.getFiltersList()) {
            HttpConnectionManager hcm = hcm(f);
            if (hcm != null && hcm.hasRds()) {
              proxiedRoutes.putIfAbsent(port, hcm.getRds().getRouteConfigName());
              if (template == null) {
                template = hcm;
              }
            }
          }
        }
        continue;
      }
      out.add(rebound(l, local.meshIp()));
    }

    out.add(mergedRoutes(proxiedRoutes, routes));
    out.add(httpProxyListener(template, local));
    return out.build();
  }

  private static void inboundListeners(Listener virtualInbound, LocalNode local, XdsResources.Builder out) {
    for (FilterChain chain : virtualInbound.getFilterChainsList()) {
      if (!chain.hasFilterChainMatch() || !chain.getFilterChainMatch().hasDestinationPort()) {
        continue; // the passthrough catch-all: nothing arrives for unknown ports without capture
      }
      int port = chain.getFilterChainMatch().getDestinationPort().getValue();
      String name = local.meshIp() + "_" + port;
      out.add(
          Listener.newBuilder()
              .setName(name)
              .setAddress(ResourceCopy.address(local.meshIp(), port))
              .setTrafficDirection(TrafficDirection.INBOUND)
              .addFilterChains(chain.toBuilder().clearFilterChainMatch().setName(name))
              .build());
    }
  }

  /** A bound listener on the loopback or wildcard address moves to the pod's own address. */
  private static Listener rebound(Listener l, String meshIp) {
    SocketAddress sa = l.getAddress().getSocketAddress();
    if (!sa.getAddress().equals("127.0.0.1") && !sa.getAddress().equals("0.0.0.0")) {
      return l;
    }
    return l.toBuilder()
        .setName(meshIp + "_" + sa.getPortValue())
        .setAddress(ResourceCopy.address(meshIp, sa.getPortValue()))
        .build();
  }

  /**
   * One route configuration for the HTTP proxy: the virtual hosts of every proxied port, each
   * keeping only its {@code host:port} names (a bare name means port 80 to an HTTP client, so
   * port 80 keeps those too). The first port to claim a name keeps it.
   */
  static RouteConfiguration mergedRoutes(Map<Integer, String> proxiedRoutes, Map<String, RouteConfiguration> routes) {
    RouteConfiguration.Builder merged =
        RouteConfiguration.newBuilder().setName(HTTP_PROXY).setValidateClusters(BoolValue.of(false));
    Set<String> taken = new HashSet<>();
    for (var e : proxiedRoutes.entrySet()) {
      int port = e.getKey();
      RouteConfiguration rc = routes.get(e.getValue());
      if (rc == null) {
        continue;
      }
      for (VirtualHost vh : rc.getVirtualHostsList()) {
        List<String> domains = new ArrayList<>();
        for (String d : vh.getDomainsList()) {
          boolean withPort = d.endsWith(":" + port);
          boolean bare = port == 80 && !d.contains(":") && !d.contains("*");
          if ((withPort || bare) && taken.add(d)) {
            domains.add(d);
          }
        }
        if (!domains.isEmpty()) {
          merged.addVirtualHosts(vh.toBuilder().clearDomains().addAllDomains(domains));
        }
      }
    }
    merged.addVirtualHosts(
        VirtualHost.newBuilder()
            .setName("no_mesh_service")
            .addDomains("*")
            .addRoutes(
                Route.newBuilder()
                    .setName("no_mesh_service")
                    .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                    .setDirectResponse(
                        DirectResponseAction.newBuilder()
                            .setStatus(502)
                            .setBody(DataSource.newBuilder().setInlineString(CATCH_ALL_BODY)))));
    return merged.build();
  }

  /** The HTTP proxy: the outbound HCM as generated (filters, codec), routed by the merged config. */
  private static Listener httpProxyListener(HttpConnectionManager template, LocalNode local) {
    HttpConnectionManager.Builder hcm =
        template != null
            ? template.toBuilder()
            : HttpConnectionManager.newBuilder()
                .setCodecType(HttpConnectionManager.CodecType.AUTO)
                .addHttpFilters(HttpFilter.newBuilder().setName("envoy.filters.http.router").setTypedConfig(Any.pack(Router.getDefaultInstance())));
    ConfigSource ads =
        template != null && template.hasRds()
            ? template.getRds().getConfigSource()
            : ConfigSource.newBuilder()
                .setAds(AggregatedConfigSource.getDefaultInstance())
                .setResourceApiVersion(io.envoyproxy.envoy.config.core.v3.ApiVersion.V3)
                .build();
    hcm.setStatPrefix("outbound_" + HTTP_PROXY).setRds(Rds.newBuilder().setConfigSource(ads).setRouteConfigName(HTTP_PROXY));
    return Listener.newBuilder()
        .setName(HTTP_PROXY)
        .setAddress(ResourceCopy.address(local.meshIp(), local.httpProxyPort()))
        .setTrafficDirection(TrafficDirection.OUTBOUND)
        .addFilterChains(
            FilterChain.newBuilder()
                .setName(HTTP_PROXY)
                .addFilters(Filter.newBuilder().setName("envoy.filters.network.http_connection_manager").setTypedConfig(Any.pack(hcm.build()))))
        .build();
  }

  static HttpConnectionManager hcm(Filter f) {
    if (!f.hasTypedConfig() || !f.getTypedConfig().is(HttpConnectionManager.class)) {
      return null;
    }
    try {
      return f.getTypedConfig().unpack(HttpConnectionManager.class);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }
}
