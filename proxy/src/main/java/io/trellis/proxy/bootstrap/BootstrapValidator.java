package io.trellis.proxy.bootstrap;

import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.ApiConfigSource;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.GrpcService;
import io.trellis.proxy.xds.ValidationErrors;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks what the bootstrap itself must get right: the admin address, names that must be unique, and
 * that ADS points at a cluster the bootstrap defines. Listeners and clusters themselves are checked by
 * the same parsers that check them when they arrive over xDS.
 */
final class BootstrapValidator {
  private BootstrapValidator() {}

  static List<String> validate(Bootstrap bootstrap) {
    List<String> problems = new ArrayList<>();
    ValidationErrors root = ValidationErrors.at("", problems);
    if (bootstrap.hasAdmin() && bootstrap.getAdmin().hasAddress()) {
      checkSocketAddress(bootstrap.getAdmin().getAddress(), root.at("admin.address"));
    }
    Set<String> clusters = new HashSet<>();
    var statics = bootstrap.getStaticResources();
    for (int i = 0; i < statics.getClustersCount(); i++) {
      String name = statics.getClusters(i).getName();
      ValidationErrors at = root.at("static_resources.clusters", i).at("name");
      if (at.check(!name.isEmpty(), "must not be empty")) {
        at.check(clusters.add(name), "duplicate cluster name '" + name + "'");
      }
    }
    Set<String> listeners = new HashSet<>();
    for (int i = 0; i < statics.getListenersCount(); i++) {
      var listener = statics.getListeners(i);
      ValidationErrors at = root.at("static_resources.listeners", i);
      if (at.at("name").check(!listener.getName().isEmpty(), "must not be empty")) {
        at.at("name").check(listeners.add(listener.getName()), "duplicate listener name '" + listener.getName() + "'");
      }
      if (at.at("address").check(listener.hasAddress(), "required")) {
        checkSocketAddress(listener.getAddress(), at.at("address"));
      }
    }
    if (bootstrap.hasDynamicResources()) {
      var dynamic = bootstrap.getDynamicResources();
      boolean usesAds = false;
      if (dynamic.hasLdsConfig()) {
        usesAds |= checkAdsOnly(dynamic.getLdsConfig(), root.at("dynamic_resources.lds_config"));
      }
      if (dynamic.hasCdsConfig()) {
        usesAds |= checkAdsOnly(dynamic.getCdsConfig(), root.at("dynamic_resources.cds_config"));
      }
      ValidationErrors ads = root.at("dynamic_resources.ads_config");
      if (usesAds && !dynamic.hasAdsConfig()) {
        ads.add("required when lds_config or cds_config is ads: {}");
      }
      if (dynamic.hasAdsConfig()) {
        checkAdsConfig(dynamic.getAdsConfig(), clusters, ads);
        root.at("node.id").check(!bootstrap.getNode().getId().isEmpty(), "required when ADS is configured");
      }
    }
    return problems;
  }

  private static boolean checkAdsOnly(ConfigSource source, ValidationErrors at) {
    return at.check(
        source.hasAds(),
        "only ads: {} is supported (got " + source.getConfigSourceSpecifierCase().name().toLowerCase() + ")");
  }

  private static void checkAdsConfig(ApiConfigSource ads, Set<String> clusters, ValidationErrors at) {
    at.at("api_type")
        .check(
            ads.getApiType() == ApiConfigSource.ApiType.GRPC || ads.getApiType() == ApiConfigSource.ApiType.DELTA_GRPC,
            ads.getApiType() + " (expected: GRPC or DELTA_GRPC)");
    if (!at.at("grpc_services").check(ads.getGrpcServicesCount() == 1, "exactly one gRPC service is required")) {
      return;
    }
    GrpcService service = ads.getGrpcServices(0);
    ValidationErrors svc = at.at("grpc_services", 0);
    if (!svc.check(service.hasEnvoyGrpc(), "only envoy_grpc is supported")) {
      return;
    }
    String cluster = service.getEnvoyGrpc().getClusterName();
    svc.at("envoy_grpc.cluster_name")
        .check(clusters.contains(cluster), "'" + cluster + "' is not a cluster in static_resources.clusters");
  }

  private static void checkSocketAddress(Address address, ValidationErrors at) {
    if (!at.check(address.hasSocketAddress(), "only socket_address is supported")) {
      return;
    }
    var socket = address.getSocketAddress();
    at.at("socket_address.address").check(!socket.getAddress().isEmpty(), "must not be empty");
    at.at("socket_address.port_value")
        .check(socket.getPortValue() <= 65535, socket.getPortValue() + " (expected: 0..65535)");
  }
}
