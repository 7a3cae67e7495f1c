package io.trellis.proxy.server;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.envoyproxy.envoy.admin.v3.BootstrapConfigDump;
import io.envoyproxy.envoy.admin.v3.ClustersConfigDump;
import io.envoyproxy.envoy.admin.v3.ConfigDump;
import io.envoyproxy.envoy.admin.v3.EndpointsConfigDump;
import io.envoyproxy.envoy.admin.v3.ListenersConfigDump;
import io.envoyproxy.envoy.admin.v3.RoutesConfigDump;
import io.envoyproxy.envoy.admin.v3.UpdateFailureState;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.trellis.proxy.xds.RejectedUpdate;
import io.trellis.proxy.xds.ResourceEntry;
import io.trellis.proxy.xds.TypeState;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds Envoy's {@code admin.v3.ConfigDump} from the bootstrap and the ADS client's accepted state:
 * one {@code @type} entry each for the bootstrap, clusters, listeners, routes and endpoints, with
 * versions and {@code last_updated}, and the last NACK of each type as {@code error_state} on the
 * resources it named — what {@code istioctl proxy-config} and people reading Envoy dumps expect.
 */
final class ConfigDumps {
  private ConfigDumps() {}

  /**
   * The ADS state by type; {@link TypeState#EMPTY} for a type not received (or without ADS). VHDS has
   * no section of its own: its virtual hosts are shown inside their route configurations.
   */
  record Dynamic(
      TypeState clusters, Set<String> warmingClusters, TypeState listeners, TypeState routes, TypeState endpoints, TypeState virtualHosts) {}

  static ConfigDump build(Bootstrap bootstrap, Instant loaded, Dynamic dynamic) {
    Timestamp loadedAt = timestamp(loaded);
    var statics = bootstrap.getStaticResources();

    ClustersConfigDump.Builder clusters = ClustersConfigDump.newBuilder().setVersionInfo(dynamic.clusters().version());
    for (Cluster c : statics.getClustersList()) {
      clusters.addStaticClusters(
          ClustersConfigDump.StaticCluster.newBuilder().setCluster(Any.pack(c)).setLastUpdated(loadedAt));
    }
    sorted(dynamic.clusters())
        .forEach(
            (name, entry) -> {
              var dc =
                  ClustersConfigDump.DynamicCluster.newBuilder()
                      .setVersionInfo(entry.version())
                      .setCluster(entry.proto())
                      .setLastUpdated(timestamp(entry.lastUpdated()));
              errorState(dynamic.clusters().lastRejection(), name).ifPresent(dc::setErrorState);
              if (dynamic.warmingClusters().contains(name)) {
                clusters.addDynamicWarmingClusters(dc);
              } else {
                clusters.addDynamicActiveClusters(dc);
              }
            });
    failedOnly(dynamic.clusters())
        .forEach(
            (name, state) -> clusters.addDynamicActiveClusters(ClustersConfigDump.DynamicCluster.newBuilder().setErrorState(state)));

    ListenersConfigDump.Builder listeners = ListenersConfigDump.newBuilder().setVersionInfo(dynamic.listeners().version());
    RoutesConfigDump.Builder routes = RoutesConfigDump.newBuilder();
    for (Listener l : statics.getListenersList()) {
      listeners.addStaticListeners(
          ListenersConfigDump.StaticListener.newBuilder().setListener(Any.pack(l)).setLastUpdated(loadedAt));
      inlineRoutes(l, routes, loadedAt);
    }
    sorted(dynamic.listeners())
        .forEach(
            (name, entry) -> {
              var dl =
                  ListenersConfigDump.DynamicListener.newBuilder()
                      .setName(name)
                      .setActiveState(
                          ListenersConfigDump.DynamicListenerState.newBuilder()
                              .setVersionInfo(entry.version())
                              .setListener(entry.proto())
                              .setLastUpdated(timestamp(entry.lastUpdated())));
              errorState(dynamic.listeners().lastRejection(), name).ifPresent(dl::setErrorState);
              listeners.addDynamicListeners(dl);
            });
    failedOnly(dynamic.listeners())
        .forEach((name, state) -> listeners.addDynamicListeners(ListenersConfigDump.DynamicListener.newBuilder().setName(name).setErrorState(state)));

    sorted(dynamic.routes())
        .forEach(
            (name, entry) -> {
              var dr = VhdsDumps.merged(entry, dynamic.virtualHosts());
              var error = errorState(dynamic.routes().lastRejection(), name);
              if (error.isEmpty()) {
                error = VhdsDumps.rejectedUnder(name, dynamic.virtualHosts().lastRejection()).map(ConfigDumps::failureOf);
              }
              error.ifPresent(dr::setErrorState);
              routes.addDynamicRouteConfigs(dr);
            });
    failedOnly(dynamic.routes())
        .forEach((name, state) -> routes.addDynamicRouteConfigs(RoutesConfigDump.DynamicRouteConfig.newBuilder().setErrorState(state)));

    EndpointsConfigDump.Builder endpoints = EndpointsConfigDump.newBuilder();
    for (Cluster c : statics.getClustersList()) {
      if (c.hasLoadAssignment()) {
        endpoints.addStaticEndpointConfigs(
            EndpointsConfigDump.StaticEndpointConfig.newBuilder()
                .setEndpointConfig(Any.pack(c.getLoadAssignment()))
                .setLastUpdated(loadedAt));
      }
    }
    sorted(dynamic.endpoints())
        .forEach(
            (name, entry) -> {
              var de =
                  EndpointsConfigDump.DynamicEndpointConfig.newBuilder()
                      .setVersionInfo(entry.version())
                      .setEndpointConfig(entry.proto())
                      .setLastUpdated(timestamp(entry.lastUpdated()));
              errorState(dynamic.endpoints().lastRejection(), name).ifPresent(de::setErrorState);
              endpoints.addDynamicEndpointConfigs(de);
            });
    failedOnly(dynamic.endpoints())
        .forEach((name, state) -> endpoints.addDynamicEndpointConfigs(EndpointsConfigDump.DynamicEndpointConfig.newBuilder().setErrorState(state)));

    return ConfigDump.newBuilder()
        .addConfigs(Any.pack(BootstrapConfigDump.newBuilder().setBootstrap(bootstrap).setLastUpdated(loadedAt).build()))
        .addConfigs(Any.pack(clusters.build()))
        .addConfigs(Any.pack(listeners.build()))
        .addConfigs(Any.pack(routes.build()))
        .addConfigs(Any.pack(endpoints.build()))
        .build();
  }

  private static void inlineRoutes(Listener l, RoutesConfigDump.Builder routes, Timestamp at) {
    for (var chain : l.getFilterChainsList()) {
      for (var filter : chain.getFiltersList()) {
        if (filter.getTypedConfig().is(HttpConnectionManager.class)) {
          try {
            var hcm = filter.getTypedConfig().unpack(HttpConnectionManager.class);
            if (hcm.hasRouteConfig()) {
              routes.addStaticRouteConfigs(
                  RoutesConfigDump.StaticRouteConfig.newBuilder().setRouteConfig(Any.pack(hcm.getRouteConfig())).setLastUpdated(at));
            }
          } catch (InvalidProtocolBufferException e) {
            // The listener was validated when it was loaded; a proto that no longer decodes cannot happen.
            throw new IllegalStateException(e);
          }
        }
      }
    }
  }

  private static TreeMap<String, ResourceEntry<?>> sorted(TypeState state) {
    return new TreeMap<>(state.resources());
  }

  /** Rejected resources that have no accepted version to attach their error to. */
  private static TreeMap<String, UpdateFailureState> failedOnly(TypeState state) {
    TreeMap<String, UpdateFailureState> out = new TreeMap<>();
    RejectedUpdate r = state.lastRejection();
    if (r != null) {
      r.failedResources().forEach((name, any) -> {
        if (!state.resources().containsKey(name)) {
          out.put(name, failure(r, any));
        }
      });
    }
    return out;
  }

  private static java.util.Optional<UpdateFailureState> errorState(RejectedUpdate r, String name) {
    if (r == null || !r.failedResources().containsKey(name)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(failure(r, r.failedResources().get(name)));
  }

  private static UpdateFailureState failureOf(Map.Entry<RejectedUpdate, Any> rejected) {
    return failure(rejected.getKey(), rejected.getValue());
  }

  private static UpdateFailureState failure(RejectedUpdate r, Any failed) {
    return UpdateFailureState.newBuilder()
        .setFailedConfiguration(failed)
        .setLastUpdateAttempt(timestamp(r.at()))
        .setDetails(r.details())
        .setVersionInfo(r.version())
        .build();
  }

  static Timestamp timestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
