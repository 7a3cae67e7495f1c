package io.trellis.control.sim;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.re2j.Pattern;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Walks a proxy's generated xDS the way Envoy handles a request: the listener for the
 * destination (a sidecar's captured traffic arrives on {@code virtualOutbound}, which hands it to
 * the listener on the original destination address and port, or on {@code 0.0.0.0} and that port),
 * the filter chain (destination port, then SNI: exact before wildcard before none), then for HTTP
 * the connection manager's route configuration (by RDS name or inline), the virtual host by domain
 * (exact, then longest suffix wildcard, then longest prefix wildcard, then {@code *}), the first
 * route whose match holds, and finally the cluster and its endpoints.
 */
public final class Simulator {
  private final XdsResources xds;

  public Simulator(XdsResources xds) {
    this.xds = xds;
  }

  public Result run(Request req) {
    return run(req, listener(req));
  }

  /**
   * A connection redirected to the inbound capture port (15006): the listener is {@code
   * virtualInbound}, and the request's port is the original destination port its chains match.
   */
  public Result runInbound(Request req) {
    var r = xds.ofType(XdsType.LISTENER).get("virtualInbound");
    return run(req, r == null ? null : (Listener) r.message());
  }

  private Result run(Request req, Listener listener) {
    if (listener == null) {
      return fail("", "", "no listener for " + req.destinationIp() + ":" + req.port());
    }
    FilterChain chain = filterChain(listener, req);
    if (chain == null) {
      return fail(listener.getName(), "", "no filter chain matched in " + listener.getName());
    }
    for (Filter f : chain.getFiltersList()) {
      if (f.getTypedConfig().is(HttpConnectionManager.class)) {
        if (!req.http()) {
          return fail(listener.getName(), chain.getName(), "HTTP listener got a non-HTTP connection");
        }
        return http(listener, chain, unpack(f, HttpConnectionManager.class), req);
      }
      if (f.getTypedConfig().is(TcpProxy.class)) {
        TcpProxy tcp = unpack(f, TcpProxy.class);
        Map<String, Integer> clusters = new LinkedHashMap<>();
        if (tcp.hasWeightedClusters()) {
          tcp.getWeightedClusters().getClustersList().forEach(c -> clusters.put(c.getName(), c.getWeight()));
        } else {
          clusters.put(tcp.getCluster(), 100);
        }
        return upstream(listener.getName(), chain.getName(), "", "", null, clusters);
      }
    }
    return fail(listener.getName(), chain.getName(), "no terminal network filter");
  }

  private Listener listener(Request req) {
    List<Listener> all = new ArrayList<>();
    xds.ofType(XdsType.LISTENER).values().forEach(r -> all.add((Listener) r.message()));
    Listener exact = null;
    Listener wildcard = null;
    for (Listener l : all) {
      if (!l.hasAddress() || !l.getAddress().hasSocketAddress()) {
        continue;
      }
      var sa = l.getAddress().getSocketAddress();
      if (sa.getPortValue() != req.port()) {
        continue;
      }
      if (!req.destinationIp().isEmpty() && sa.getAddress().equals(req.destinationIp())) {
        exact = l;
      } else if (sa.getAddress().equals("0.0.0.0")) {
        wildcard = l;
      }
    }
    if (exact != null || wildcard != null) {
      return exact != null ? exact : wildcard;
    }
    // Nothing listens on the port: captured traffic stays on virtualOutbound's own chains.
    for (Listener l : all) {
      if (l.getUseOriginalDst().getValue()) {
        return l;
      }
    }
    return null;
  }

  private static FilterChain filterChain(Listener l, Request req) {
    FilterChain best = null;
    int bestScore = -1;
    for (FilterChain c : l.getFilterChainsList()) {
      var m = c.getFilterChainMatch();
      int score = 0;
      if (m.hasDestinationPort()) {
        if (m.getDestinationPort().getValue() != req.port()) {
          continue;
        }
        score += 1000;
      }
      if (m.getServerNamesCount() > 0) {
        int s = sniScore(m.getServerNamesList(), req.sni());
        if (s < 0) {
          continue;
        }
        score += s;
      }
      if (score > bestScore) {
        best = c;
        bestScore = score;
      }
    }
    return best;
  }

  /** Envoy's server_names precedence: exact, then the longest wildcard suffix; -1 when none match. */
  private static int sniScore(List<String> names, String sni) {
    int best = -1;
    for (String n : names) {
      if (n.equals(sni)) {
        best = Math.max(best, 500);
      } else if (n.startsWith("*.") && sni.endsWith(n.substring(1))) {
        best = Math.max(best, n.length());
      }
    }
    return best;
  }

  private Result http(Listener listener, FilterChain chain, HttpConnectionManager hcm, Request req) {
    RouteConfiguration rc;
    if (hcm.hasRds()) {
      var r = xds.ofType(XdsType.ROUTE).get(hcm.getRds().getRouteConfigName());
      if (r == null) {
        return fail(listener.getName(), chain.getName(), "route config " + hcm.getRds().getRouteConfigName() + " not sent");
      }
      rc = (RouteConfiguration) r.message();
    } else {
      rc = hcm.getRouteConfig();
    }
    String host = req.authority().toLowerCase(Locale.ROOT);
    if (hcm.getStripAnyHostPort() && host.lastIndexOf(':') > host.lastIndexOf(']')) {
      host = host.substring(0, host.lastIndexOf(':'));
    }
    VirtualHost vh = virtualHost(rc, host);
    if (vh == null) {
      return new Result(listener.getName(), chain.getName(), rc.getName(), "", null, Map.of(), null, List.of(), "no virtual host for " + host);
    }
    for (Route r : vh.getRoutesList()) {
      if (matches(r.getMatch(), req)) {
        Map<String, Integer> clusters = new LinkedHashMap<>();
        if (r.hasRoute()) {
          if (r.getRoute().hasWeightedClusters()) {
            for (WeightedCluster.ClusterWeight w : r.getRoute().getWeightedClusters().getClustersList()) {
              clusters.put(w.getName(), w.getWeight().getValue());
            }
          } else {
            clusters.put(r.getRoute().getCluster(), 100);
          }
        }
        return upstream(listener.getName(), chain.getName(), rc.getName(), vh.getName(), r, clusters);
      }
    }
    return new Result(listener.getName(), chain.getName(), rc.getName(), vh.getName(), null, Map.of(), null, List.of(), "no route matched (NR)");
  }

  static VirtualHost virtualHost(RouteConfiguration rc, String host) {
    VirtualHost suffix = null;
    int suffixLen = -1;
    VirtualHost prefix = null;
    int prefixLen = -1;
    VirtualHost any = null;
    for (VirtualHost vh : rc.getVirtualHostsList()) {
      for (String d : vh.getDomainsList()) {
        String dl = d.toLowerCase(Locale.ROOT);
        if (dl.equals(host)) {
          return vh;
        } else if (dl.equals("*")) {
          any = any == null ? vh : any;
        } else if (dl.startsWith("*") && host.endsWith(dl.substring(1)) && host.length() > dl.length() - 1) {
          if (dl.length() > suffixLen) {
            suffix = vh;
            suffixLen = dl.length();
          }
        } else if (dl.endsWith("*") && host.startsWith(dl.substring(0, dl.length() - 1))) {
          if (dl.length() > prefixLen) {
            prefix = vh;
            prefixLen = dl.length();
          }
        }
      }
    }
    return suffix != null ? suffix : prefix != null ? prefix : any;
  }

  static boolean matches(RouteMatch m, Request req) {
    String fullPath = req.path();
    int q = fullPath.indexOf('?');
    String path = q < 0 ? fullPath : fullPath.substring(0, q);
    boolean caseSensitive = !m.hasCaseSensitive() || m.getCaseSensitive().getValue();
    String p = caseSensitive ? path : path.toLowerCase(Locale.ROOT);
    boolean pathOk =
        switch (m.getPathSpecifierCase()) {
          case PREFIX -> p.startsWith(caseSensitive ? m.getPrefix() : m.getPrefix().toLowerCase(Locale.ROOT));
          case PATH -> p.equals(caseSensitive ? m.getPath() : m.getPath().toLowerCase(Locale.ROOT));
          case SAFE_REGEX -> Pattern.compile(m.getSafeRegex().getRegex()).matches(path);
          default -> false;
        };
    if (!pathOk) {
      return false;
    }
    Map<String, String> headers = new LinkedHashMap<>(req.headers());
    headers.put(":authority", req.authority());
    headers.put(":method", req.method());
    headers.put(":path", req.path());
    headers.put(":scheme", req.sni().isEmpty() ? "http" : "https");
    for (HeaderMatcher h : m.getHeadersList()) {
      String v = headers.get(h.getName());
      boolean ok;
      if (h.getPresentMatch()) {
        ok = v != null;
      } else if (h.hasStringMatch()) {
        ok = v != null && stringMatch(h.getStringMatch(), v);
      } else {
        ok = v != null;
      }
      if (ok == h.getInvertMatch()) {
        return false;
      }
    }
    Map<String, String> query = query(q < 0 ? "" : fullPath.substring(q + 1));
    for (QueryParameterMatcher qm : m.getQueryParametersList()) {
      String v = query.get(qm.getName());
      boolean ok = qm.getPresentMatch() ? v != null : v != null && stringMatch(qm.getStringMatch(), v);
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static boolean stringMatch(StringMatcher s, String value) {
    String v = s.getIgnoreCase() ? value.toLowerCase(Locale.ROOT) : value;
    return switch (s.getMatchPatternCase()) {
      case EXACT -> v.equals(s.getIgnoreCase() ? s.getExact().toLowerCase(Locale.ROOT) : s.getExact());
      case PREFIX -> v.startsWith(s.getIgnoreCase() ? s.getPrefix().toLowerCase(Locale.ROOT) : s.getPrefix());
      case SUFFIX -> v.endsWith(s.getSuffix());
      case CONTAINS -> v.contains(s.getContains());
      case SAFE_REGEX -> Pattern.compile(s.getSafeRegex().getRegex()).matches(value);
      default -> false;
    };
  }

  private static Map<String, String> query(String q) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String part : q.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }

  private Result upstream(String listener, String chain, String rc, String vh, Route route, Map<String, Integer> clusters) {
    if (clusters.isEmpty()) {
      return new Result(listener, chain, rc, vh, route, clusters, null, List.of(), "");
    }
    String first = clusters.keySet().iterator().next();
    var cr = xds.ofType(XdsType.CLUSTER).get(first);
    if (cr == null) {
      return new Result(listener, chain, rc, vh, route, clusters, null, List.of(), "cluster " + first + " not found (NC)");
    }
    Cluster c = (Cluster) cr.message();
    ClusterLoadAssignment cla = null;
    if (c.getType() == Cluster.DiscoveryType.EDS) {
      String name = c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName() : c.getEdsClusterConfig().getServiceName();
      var er = xds.ofType(XdsType.ENDPOINT).get(name);
      if (er == null) {
        return new Result(listener, chain, rc, vh, route, clusters, c, List.of(), "endpoints for " + name + " not sent");
      }
      cla = (ClusterLoadAssignment) er.message();
    } else if (c.hasLoadAssignment()) {
      cla = c.getLoadAssignment();
    }
    List<String> endpoints = new ArrayList<>();
    if (cla != null) {
      for (LocalityLbEndpoints l : cla.getEndpointsList()) {
        for (LbEndpoint e : l.getLbEndpointsList()) {
          var sa = e.getEndpoint().getAddress().getSocketAddress();
          endpoints.add(sa.getAddress() + ":" + sa.getPortValue());
        }
      }
    }
    return new Result(listener, chain, rc, vh, route, clusters, c, endpoints, "");
  }

  private static Result fail(String listener, String chain, String error) {
    return new Result(listener, chain, "", "", null, Map.of(), null, List.of(), error);
  }

  static <T extends com.google.protobuf.Message> T unpack(Filter f, Class<T> type) {
    try {
      return f.getTypedConfig().unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
