package io.trellis.api.load;

import io.trellis.api.load.KindInfo.Body;
import io.trellis.api.model.Spec;
import io.trellis.api.model.extensions.WasmPlugin;
import io.trellis.api.model.kube.Deployment;
import io.trellis.api.model.kube.EndpointSlice;
import io.trellis.api.model.kube.Namespace;
import io.trellis.api.model.kube.Pod;
import io.trellis.api.model.kube.Service;
import io.trellis.api.model.kube.ServiceAccount;
import io.trellis.api.model.networking.DestinationRule;
import io.trellis.api.model.networking.EnvoyFilter;
import io.trellis.api.model.networking.Gateway;
import io.trellis.api.model.networking.ProxyConfig;
import io.trellis.api.model.networking.ServiceEntry;
import io.trellis.api.model.networking.Sidecar;
import io.trellis.api.model.networking.VirtualService;
import io.trellis.api.model.networking.WorkloadEntry;
import io.trellis.api.model.networking.WorkloadGroup;
import io.trellis.api.model.security.AuthorizationPolicy;
import io.trellis.api.model.security.PeerAuthentication;
import io.trellis.api.model.security.RequestAuthentication;
import io.trellis.api.model.telemetry.Telemetry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The kinds Trellis reads, by API group and kind, with the versions Istio and Kubernetes serve. */
public final class KindRegistry {

  private static final String NETWORKING = "networking.istio.io";
  private static final String SECURITY = "security.istio.io";
  private static final String TELEMETRY = "telemetry.istio.io";
  private static final String EXTENSIONS = "extensions.istio.io";
  private static final List<String> NETWORKING_VERSIONS = List.of("v1", "v1beta1", "v1alpha3");

  public static final KindInfo VIRTUAL_SERVICE = istio(NETWORKING, "VirtualService", NETWORKING_VERSIONS, VirtualService.class, false);
  public static final KindInfo DESTINATION_RULE = istio(NETWORKING, "DestinationRule", NETWORKING_VERSIONS, DestinationRule.class, false);
  public static final KindInfo GATEWAY = istio(NETWORKING, "Gateway", NETWORKING_VERSIONS, Gateway.class, false);
  public static final KindInfo SERVICE_ENTRY = istio(NETWORKING, "ServiceEntry", NETWORKING_VERSIONS, ServiceEntry.class, true);
  public static final KindInfo WORKLOAD_ENTRY = istio(NETWORKING, "WorkloadEntry", NETWORKING_VERSIONS, WorkloadEntry.class, true);
  public static final KindInfo WORKLOAD_GROUP = istio(NETWORKING, "WorkloadGroup", NETWORKING_VERSIONS, WorkloadGroup.class, true);
  public static final KindInfo SIDECAR = istio(NETWORKING, "Sidecar", NETWORKING_VERSIONS, Sidecar.class, false);
  public static final KindInfo ENVOY_FILTER = istio(NETWORKING, "EnvoyFilter", List.of("v1alpha3"), EnvoyFilter.class, false);
  public static final KindInfo PROXY_CONFIG = istio(NETWORKING, "ProxyConfig", List.of("v1beta1"), ProxyConfig.class, false);
  public static final KindInfo PEER_AUTHENTICATION = istio(SECURITY, "PeerAuthentication", List.of("v1", "v1beta1"), PeerAuthentication.class, false);
  public static final KindInfo REQUEST_AUTHENTICATION = istio(SECURITY, "RequestAuthentication", List.of("v1", "v1beta1"), RequestAuthentication.class, false);
  public static final KindInfo AUTHORIZATION_POLICY = istio(SECURITY, "AuthorizationPolicy", List.of("v1", "v1beta1"), AuthorizationPolicy.class, false);
  public static final KindInfo TELEMETRY_KIND = istio(TELEMETRY, "Telemetry", List.of("v1", "v1alpha1"), Telemetry.class, false);
  public static final KindInfo WASM_PLUGIN = istio(EXTENSIONS, "WasmPlugin", List.of("v1alpha1"), WasmPlugin.class, false);

  public static final KindInfo NAMESPACE = new KindInfo("", "Namespace", List.of("v1"), Namespace.class, Body.OBJECT, false, false);
  public static final KindInfo SERVICE_ACCOUNT = new KindInfo("", "ServiceAccount", List.of("v1"), ServiceAccount.class, Body.OBJECT, false, true);
  public static final KindInfo SERVICE = new KindInfo("", "Service", List.of("v1"), Service.class, Body.SPEC, false, true);
  public static final KindInfo POD = new KindInfo("", "Pod", List.of("v1"), Pod.class, Body.OBJECT, false, true);
  public static final KindInfo DEPLOYMENT = new KindInfo("apps", "Deployment", List.of("v1"), Deployment.class, Body.SPEC, false, true);
  public static final KindInfo ENDPOINT_SLICE = new KindInfo("discovery.k8s.io", "EndpointSlice", List.of("v1"), EndpointSlice.class, Body.OBJECT, false, true);

  /** Every kind the loader binds. */
  public static final List<KindInfo> ALL =
      List.of(
          VIRTUAL_SERVICE, DESTINATION_RULE, GATEWAY, SERVICE_ENTRY, WORKLOAD_ENTRY, WORKLOAD_GROUP, SIDECAR,
          ENVOY_FILTER, PROXY_CONFIG, PEER_AUTHENTICATION, REQUEST_AUTHENTICATION, AUTHORIZATION_POLICY,
          TELEMETRY_KIND, WASM_PLUGIN, NAMESPACE, SERVICE_ACCOUNT, SERVICE, POD, DEPLOYMENT, ENDPOINT_SLICE);

  private static final Map<String, KindInfo> BY_GROUP_KIND =
      ALL.stream().collect(Collectors.toUnmodifiableMap(k -> k.group() + "/" + k.kind(), Function.identity()));

  private static final Map<Class<? extends Spec>, KindInfo> BY_TYPE =
      ALL.stream().collect(Collectors.toUnmodifiableMap(KindInfo::type, Function.identity()));

  private KindRegistry() {}

  private static KindInfo istio(String group, String kind, List<String> versions, Class<? extends Spec> type, boolean specRequired) {
    return new KindInfo(group, kind, versions, type, Body.SPEC, specRequired, true);
  }

  /** The kind for an API group ({@code ""} for core) and kind name, if Trellis reads it. */
  public static Optional<KindInfo> find(String group, String kind) {
    return Optional.ofNullable(BY_GROUP_KIND.get(group + "/" + kind));
  }

  /** The kind whose content is {@code type}. */
  public static KindInfo of(Class<? extends Spec> type) {
    KindInfo info = BY_TYPE.get(type);
    if (info == null) {
      throw new IllegalArgumentException("not a resource content type: " + type.getName());
    }
    return info;
  }
}
