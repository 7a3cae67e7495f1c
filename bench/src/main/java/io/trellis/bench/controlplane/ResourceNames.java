package io.trellis.bench.controlplane;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a simulated sidecar needs out of the resources it receives: which EDS and RDS names to
 * subscribe to next (from clusters and listeners, as Envoy does) and the name of each endpoint and
 * route resource. Thousands of proxies receive the same bytes, so cluster and listener results
 * are cached by content; endpoint and route names are read straight off field 1 without parsing
 * the rest.
 */
final class ResourceNames {

  private static final int CACHE_LIMIT = 200_000;

  private final Map<ByteString, String> edsNameByCluster = new ConcurrentHashMap<>();
  private final Map<ByteString, List<String>> rdsNamesByListener = new ConcurrentHashMap<>();
  private final Map<String, String> canonical = new ConcurrentHashMap<>();
  private final Map<java.util.Set<String>, List<ByteString>> encodedSubscriptions = new ConcurrentHashMap<>();
  private final Map<java.util.Set<String>, java.util.Set<String>> sharedSets = new ConcurrentHashMap<>();
  private final Map<String, List<String>> singletonLists = new ConcurrentHashMap<>();

  /**
   * One shared instance per distinct name: 2000 proxies holding the same 2000 endpoint names would
   * otherwise keep four million copies.
   */
  String canonical(String name) {
    String existing = canonical.putIfAbsent(name, name);
    return existing == null ? name : existing;
  }

  /**
   * A subscription's names encoded as a request carries them, one shared list per distinct set
   * (the proxies of a fleet mostly subscribe to the same names).
   */
  List<ByteString> encoded(java.util.Set<String> names) {
    List<ByteString> cached = encodedSubscriptions.get(names);
    if (cached != null) {
      return cached;
    }
    List<ByteString> list = names.stream().map(ByteString::copyFromUtf8).toList();
    if (encodedSubscriptions.size() > 1000) {
      encodedSubscriptions.clear(); // churn costs re-encoding, not memory
    }
    encodedSubscriptions.putIfAbsent(java.util.Set.copyOf(names), list);
    return list;
  }

  /**
   * An immutable set equal to {@code names}, one shared instance per distinct set: 2000 proxies
   * subscribed to the same 3000 names would otherwise hold 2000 copies in the benchmark's heap,
   * and its garbage collector's pauses would show up as control-plane latency.
   */
  java.util.Set<String> shared(java.util.Set<String> names) {
    java.util.Set<String> cached = sharedSets.get(names);
    if (cached != null) {
      return cached;
    }
    java.util.Set<String> copy = java.util.Set.copyOf(names);
    if (sharedSets.size() > 1000) {
      sharedSets.clear();
    }
    java.util.Set<String> prior = sharedSets.putIfAbsent(copy, copy);
    return prior != null ? prior : copy;
  }

  /** {@code List.of(name)}, shared per name. */
  List<String> singleton(String name) {
    return singletonLists.computeIfAbsent(canonical(name), List::of);
  }

  /** The EDS service name of a cluster, or "" when the cluster does not use EDS. */
  String edsName(ByteString clusterBytes) throws InvalidProtocolBufferException {
    String cached = edsNameByCluster.get(clusterBytes);
    if (cached != null) {
      return cached;
    }
    Cluster c = Cluster.parseFrom(clusterBytes);
    String name = "";
    if (c.hasType() && c.getType() == Cluster.DiscoveryType.EDS) {
      name = c.getEdsClusterConfig().getServiceName().isEmpty() ? c.getName() : c.getEdsClusterConfig().getServiceName();
    }
    bounded(edsNameByCluster).put(clusterBytes, name);
    return name;
  }

  /** The route configuration names the listener's HTTP connection managers fetch over RDS. */
  List<String> rdsNames(ByteString listenerBytes) throws InvalidProtocolBufferException {
    List<String> cached = rdsNamesByListener.get(listenerBytes);
    if (cached != null) {
      return cached;
    }
    Listener l = Listener.parseFrom(listenerBytes);
    List<String> names = new ArrayList<>();
    List<FilterChain> chains = new ArrayList<>(l.getFilterChainsList());
    if (l.hasDefaultFilterChain()) {
      chains.add(l.getDefaultFilterChain());
    }
    for (FilterChain chain : chains) {
      for (Filter f : chain.getFiltersList()) {
        if (f.hasTypedConfig() && f.getTypedConfig().is(HttpConnectionManager.class)) {
          HttpConnectionManager hcm = f.getTypedConfig().unpack(HttpConnectionManager.class);
          if (hcm.hasRds()) {
            names.add(hcm.getRds().getRouteConfigName());
          }
        }
      }
    }
    List<String> result = List.copyOf(names);
    bounded(rdsNamesByListener).put(listenerBytes, result);
    return result;
  }

  /**
   * The VHDS subscription a route configuration asks for: its own name when it names {@code vhds}
   * (field 9), as Envoy subscribes to the virtual hosts of a route configuration by the
   * configuration's name; empty otherwise. Read off the top-level fields without parsing the
   * virtual hosts, so a 400 KB configuration without VHDS costs one skip per virtual host.
   */
  static List<String> vhdsNames(ByteString routeConfigBytes) throws InvalidProtocolBufferException {
    CodedInputStream in = routeConfigBytes.newCodedInput();
    String name = "";
    boolean vhds = false;
    try {
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          break;
        }
        if (tag == ((1 << 3) | 2)) {
          name = in.readStringRequireUtf8();
        } else if (tag == ((9 << 3) | 2)) {
          vhds = true;
          in.skipField(tag);
        } else if (!in.skipField(tag)) {
          break;
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
    return vhds && !name.isEmpty() ? List.of(name) : List.of();
  }

  /**
   * Field 1 of a ClusterLoadAssignment (cluster_name) or RouteConfiguration (name), read without
   * parsing the endpoints or virtual hosts behind it.
   */
  static String firstStringField(ByteString bytes) throws InvalidProtocolBufferException {
    CodedInputStream in = bytes.newCodedInput();
    try {
      while (true) {
        int tag = in.readTag();
        if (tag == 0) {
          return "";
        }
        if (tag == ((1 << 3) | 2)) {
          return in.readStringRequireUtf8();
        }
        if (!in.skipField(tag)) {
          return "";
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException(e);
    }
  }

  private static <V> Map<ByteString, V> bounded(Map<ByteString, V> map) {
    if (map.size() > CACHE_LIMIT) {
      map.clear(); // a run that churns this many distinct resources pays for re-parsing, not for memory
    }
    return map;
  }
}
