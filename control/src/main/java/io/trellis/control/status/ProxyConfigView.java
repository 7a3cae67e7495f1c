package io.trellis.control.status;

import com.google.protobuf.Message;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.trellis.control.xds.SentConfig;
import io.trellis.control.xds.XdsType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code trellis proxy-config} prints: the resources of one type the control plane sent one
 * proxy, as a short table (the columns istioctl shows) or as Envoy JSON.
 */
public final class ProxyConfigView {

  /** The resource types {@code proxy-config} shows, by the name users type. */
  public enum Section {
    CLUSTERS(XdsType.CLUSTER),
    ENDPOINTS(XdsType.ENDPOINT),
    LISTENERS(XdsType.LISTENER),
    ROUTES(XdsType.ROUTE);

    final XdsType type;

    Section(XdsType type) {
      this.type = type;
    }

    public static Section parse(String s) {
      try {
        return valueOf(s.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "proxy-config section: " + s + " (expected: clusters, endpoints, listeners or routes)");
      }
    }
  }

  private ProxyConfigView() {}

  /** The section as a JSON array of Envoy resources. */
  public static String json(SentConfig config, Section section) {
    return EnvoyJson.printArray(config.ofType(section.type));
  }

  /** The section as a fixed-width table. */
  public static String table(SentConfig config, Section section) {
    List<Message> resources = config.ofType(section.type);
    List<String[]> rows = new ArrayList<>();
    switch (section) {
      case CLUSTERS -> {
        rows.add(new String[] {"SERVICE FQDN", "PORT", "SUBSET", "DIRECTION", "TYPE"});
        for (Message m : resources) {
          Cluster c = (Cluster) m;
          String[] parts = c.getName().split("\\|", -1);
          boolean istio = parts.length == 4;
          rows.add(
              new String[] {
                istio ? parts[3] : c.getName(),
                istio ? dash(parts[1]) : "-",
                istio ? dash(parts[2]) : "-",
                istio ? dash(parts[0]) : "-",
                c.hasClusterType() ? c.getClusterType().getName() : c.getType().name()
              });
        }
      }
      case ENDPOINTS -> {
        rows.add(new String[] {"ENDPOINT", "STATUS", "CLUSTER"});
        for (Message m : resources) {
          ClusterLoadAssignment cla = (ClusterLoadAssignment) m;
          for (LocalityLbEndpoints locality : cla.getEndpointsList()) {
            for (LbEndpoint e : locality.getLbEndpointsList()) {
              rows.add(new String[] {address(e), e.getHealthStatus().name(), cla.getClusterName()});
            }
          }
        }
      }
      case LISTENERS -> {
        rows.add(new String[] {"NAME", "ADDRESS", "PORT", "FILTER CHAINS"});
        for (Message m : resources) {
          Listener l = (Listener) m;
          if (l.hasApiListener()) {
            rows.add(new String[] {l.getName(), "(api listener)", "-", "-"});
            continue;
          }
          SocketAddress sa = l.getAddress().getSocketAddress();
          rows.add(
              new String[] {
                l.getName(), dash(sa.getAddress()), String.valueOf(sa.getPortValue()), String.valueOf(l.getFilterChainsCount())
              });
        }
      }
      case ROUTES -> {
        rows.add(new String[] {"NAME", "VIRTUAL HOST", "DOMAINS", "MATCH", "DESTINATION"});
        for (Message m : resources) {
          RouteConfiguration rc = (RouteConfiguration) m;
          for (VirtualHost vh : rc.getVirtualHostsList()) {
            String domains = String.join(",", vh.getDomainsList());
            if (vh.getRoutesCount() == 0) {
              rows.add(new String[] {rc.getName(), vh.getName(), domains, "-", "-"});
            }
            for (Route r : vh.getRoutesList()) {
              rows.add(new String[] {rc.getName(), vh.getName(), domains, match(r), destination(r)});
            }
          }
        }
      }
    }
    return format(rows);
  }

  private static String address(LbEndpoint e) {
    SocketAddress sa = e.getEndpoint().getAddress().getSocketAddress();
    if (sa.getAddress().isEmpty()) {
      return e.getEndpoint().getAddress().hasPipe() ? "unix://" + e.getEndpoint().getAddress().getPipe().getPath() : "-";
    }
    return sa.getAddress().contains(":") ? "[" + sa.getAddress() + "]:" + sa.getPortValue() : sa.getAddress() + ":" + sa.getPortValue();
  }

  private static String match(Route r) {
    var m = r.getMatch();
    return switch (m.getPathSpecifierCase()) {
      case PREFIX -> m.getPrefix().isEmpty() ? "/*" : m.getPrefix() + "*";
      case PATH -> m.getPath();
      case SAFE_REGEX -> "regex " + m.getSafeRegex().getRegex();
      case PATH_SEPARATED_PREFIX -> m.getPathSeparatedPrefix() + "/*";
      default -> "/*";
    } + (m.getHeadersCount() > 0 ? " +" + m.getHeadersCount() + " header(s)" : "");
  }

  private static String destination(Route r) {
    if (r.hasRoute()) {
      var a = r.getRoute();
      return switch (a.getClusterSpecifierCase()) {
        case CLUSTER -> a.getCluster();
        case WEIGHTED_CLUSTERS ->
            String.join(
                ",",
                a.getWeightedClusters().getClustersList().stream()
                    .map(w -> w.getName() + " " + w.getWeight().getValue())
                    .toList());
        case CLUSTER_HEADER -> "header " + a.getClusterHeader();
        default -> a.getClusterSpecifierCase().name().toLowerCase(Locale.ROOT);
      };
    }
    if (r.hasRedirect()) {
      return "redirect";
    }
    if (r.hasDirectResponse()) {
      return "direct response " + r.getDirectResponse().getStatus();
    }
    return "-";
  }

  private static String dash(String s) {
    return s.isEmpty() ? "-" : s;
  }

  /** Columns padded to their widest cell, separated by two spaces, like kubectl and istioctl. */
  static String format(List<String[]> rows) {
    int cols = rows.getFirst().length;
    int[] width = new int[cols];
    for (String[] row : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        line.append(i == cols - 1 ? row[i] : String.format("%-" + (width[i] + 2) + "s", row[i]));
      }
      out.append(line.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }
}
