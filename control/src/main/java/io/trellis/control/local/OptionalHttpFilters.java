package io.trellis.control.local;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import io.envoyproxy.envoy.config.route.v3.FilterConfig;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Marks the HTTP filters of local proxies' connection managers {@code is_optional}, except the
 * router: Envoy's own rule for a filter a proxy may not implement — a proxy that has it runs it, a
 * proxy that lacks it skips it instead of rejecting the whole listener update. The local mesh
 * runs whatever proxy build is at hand, and one missing filter (CORS, say) must not leave every
 * pod without listeners; a feature that needs the filter (fault injection) works exactly when the
 * proxy implements it.
 */
final class OptionalHttpFilters {
  static final String ROUTER = "envoy.filters.http.router";

  private OptionalHttpFilters() {}

  static XdsResources apply(XdsResources in) {
    XdsResources.Builder out = XdsResources.builder();
    ResourceCopy.copyExcept(in, Set.of(XdsType.LISTENER.typeUrl(), XdsType.ROUTE.typeUrl()), out);
    for (XdsResources.Resource r : in.ofType(XdsType.LISTENER).values()) {
      out.add(apply((Listener) r.message()));
    }
    for (XdsResources.Resource r : in.ofType(XdsType.ROUTE).values()) {
      out.add(apply((RouteConfiguration) r.message()));
    }
    return out.build();
  }

  /**
   * Per-route and per-virtual-host settings of those filters become optional too ({@code
   * FilterConfig} with {@code is_optional}), or a proxy that lacks the filter would reject the whole
   * route configuration, and with it every other service's routes.
   */
  static RouteConfiguration apply(RouteConfiguration rc) {
    RouteConfiguration.Builder b = rc.toBuilder();
    for (VirtualHost.Builder vh : b.getVirtualHostsBuilderList()) {
      vh.putAllTypedPerFilterConfig(optional(vh.getTypedPerFilterConfigMap()));
      for (Route.Builder route : vh.getRoutesBuilderList()) {
        route.putAllTypedPerFilterConfig(optional(route.getTypedPerFilterConfigMap()));
      }
    }
    return b.build();
  }

  private static Map<String, Any> optional(Map<String, Any> perFilter) {
    Map<String, Any> out = new TreeMap<>();
    perFilter.forEach((name, config) -> {
      if (!name.equals(ROUTER) && !config.is(FilterConfig.class)) {
        out.put(name, Any.pack(FilterConfig.newBuilder().setConfig(config).setIsOptional(true).build()));
      }
    });
    return out;
  }

  static Listener apply(Listener l) {
    Listener.Builder b = l.toBuilder();
    for (FilterChain.Builder chain : b.getFilterChainsBuilderList()) {
      for (Filter.Builder f : chain.getFiltersBuilderList()) {
        HttpConnectionManager hcm = LoopbackSidecarRewrite.hcm(f.build());
        if (hcm == null) {
          continue;
        }
        HttpConnectionManager.Builder h = hcm.toBuilder();
        if (h.hasRouteConfig()) {
          h.setRouteConfig(apply(h.getRouteConfig()));
        }
        for (HttpFilter.Builder hf : h.getHttpFiltersBuilderList()) {
          if (!hf.getName().equals(ROUTER)) {
            hf.setIsOptional(true);
          }
        }
        f.setTypedConfig(Any.pack(h.build()));
      }
    }
    return b.build();
  }
}
