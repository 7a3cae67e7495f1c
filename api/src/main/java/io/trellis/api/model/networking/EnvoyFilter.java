package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.PolicyTargetReference;
import io.trellis.api.model.Spec;
import io.trellis.api.model.Struct;
import java.util.List;
import java.util.Map;

/**
 * The spec of an Istio {@code EnvoyFilter}: patches applied to generated Envoy configuration.
 * Modelled so that such files load and validate; Trellis does not apply the patches.
 */
public record EnvoyFilter(
    WorkloadLabels workloadSelector,
    List<PolicyTargetReference> targetRefs,
    List<EnvoyConfigObjectPatch> configPatches,
    int priority)
    implements Spec {
  public EnvoyFilter {
    targetRefs = Frozen.list(targetRefs);
    configPatches = Frozen.list(configPatches);
  }


  public enum ApplyTo {
    INVALID,
    LISTENER,
    FILTER_CHAIN,
    NETWORK_FILTER,
    HTTP_FILTER,
    ROUTE_CONFIGURATION,
    VIRTUAL_HOST,
    HTTP_ROUTE,
    CLUSTER,
    EXTENSION_CONFIG,
    BOOTSTRAP,
    LISTENER_FILTER
  }

  public enum PatchContext {
    ANY,
    SIDECAR_INBOUND,
    SIDECAR_OUTBOUND,
    GATEWAY,
    WAYPOINT
  }

  public record EnvoyConfigObjectPatch(ApplyTo applyTo, EnvoyConfigObjectMatch match, Patch patch) {}

  public record EnvoyConfigObjectMatch(
      PatchContext context,
      ProxyMatch proxy,
      ListenerMatch listener,
      RouteConfigurationMatch routeConfiguration,
      ClusterMatch cluster,
      WaypointMatch waypoint) {}

  public record ProxyMatch(String proxyVersion, Map<String, String> metadata) {
    public ProxyMatch {
      metadata = Frozen.map(metadata);
    }
  }

  public record ListenerMatch(
      int portNumber, String portName, FilterChainMatch filterChain, String listenerFilter, String name) {

    public record FilterChainMatch(
        String name,
        String sni,
        String transportProtocol,
        String applicationProtocols,
        FilterMatch filter,
        int destinationPort) {}

    public record FilterMatch(String name, SubFilterMatch subFilter) {}

    public record SubFilterMatch(String name) {}
  }

  public record RouteConfigurationMatch(
      int portNumber, String portName, String gateway, VirtualHostMatch vhost, String name) {

    public record VirtualHostMatch(String name, String domainName, RouteMatch route) {}

    public record RouteMatch(String name, Action action) {
      public enum Action {
        ANY,
        ROUTE,
        REDIRECT,
        DIRECT_RESPONSE
      }
    }
  }

  public record ClusterMatch(int portNumber, String service, String subset, String name) {}

  public record WaypointMatch(Filter filter, Route route, int portNumber) {
    public record Filter(String name, SubFilter subFilter) {}

    public record SubFilter(String name) {}

    public record Route(String name) {}
  }

  public record Patch(Operation operation, Struct value, FilterClass filterClass) {
    public enum Operation {
      INVALID,
      MERGE,
      ADD,
      REMOVE,
      INSERT_BEFORE,
      INSERT_AFTER,
      INSERT_FIRST,
      REPLACE,
      MERGE_AND_REPLACE_LIST
    }

    public enum FilterClass {
      UNSPECIFIED,
      AUTHN,
      AUTHZ,
      STATS
    }
  }
}
