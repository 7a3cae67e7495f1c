package io.trellis.api.validate;

import io.trellis.api.load.LoadResult;
import io.trellis.api.model.Resource;
import io.trellis.api.model.extensions.WasmPlugin;
import io.trellis.api.model.kube.Deployment;
import io.trellis.api.model.kube.Service;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Validates resources with the semantics of Istio's validating webhook (and, for the Kubernetes
 * kinds the mesh reads, of the API server): every problem of every resource is reported, not only
 * the first. Stateless and thread-safe.
 */
public final class ConfigValidator {

  /** The problems of one resource, in the order the validators found them. */
  public List<Problem> validate(Resource<?> resource) {
    Findings f = new Findings(resource);
    MetadataValidator.validate(resource, f);
    switch (resource.spec()) {
      case VirtualService s -> VirtualServiceValidator.validate(resource.as(VirtualService.class), f);
      case DestinationRule s -> DestinationRuleValidator.validate(resource.as(DestinationRule.class), f);
      case Gateway s -> GatewayValidator.validate(resource.as(Gateway.class), f);
      case ServiceEntry s -> ServiceEntryValidator.validate(resource.as(ServiceEntry.class), f);
      case WorkloadEntry s -> WorkloadEntryValidator.validate(resource.as(WorkloadEntry.class), f);
      case WorkloadGroup s -> WorkloadGroupValidator.validate(resource.as(WorkloadGroup.class), f);
      case Sidecar s -> SidecarValidator.validate(resource.as(Sidecar.class), f);
      case EnvoyFilter s -> EnvoyFilterValidator.validate(resource.as(EnvoyFilter.class), f);
      case ProxyConfig s -> ProxyConfigValidator.validate(resource.as(ProxyConfig.class), f);
      case PeerAuthentication s -> PeerAuthenticationValidator.validate(resource.as(PeerAuthentication.class), f);
      case RequestAuthentication s -> RequestAuthenticationValidator.validate(resource.as(RequestAuthentication.class), f);
      case AuthorizationPolicy s -> AuthorizationPolicyValidator.validate(resource.as(AuthorizationPolicy.class), f);
      case Telemetry s -> TelemetryValidator.validate(resource.as(Telemetry.class), f);
      case WasmPlugin s -> WasmPluginValidator.validate(resource.as(WasmPlugin.class), f);
      case Service s -> KubernetesValidator.service(resource.as(Service.class), f);
      case Deployment s -> KubernetesValidator.deployment(resource.as(Deployment.class), f);
      default -> {}
    }
    return f.problems();
  }

  /**
   * Validates everything a load produced. The report holds the load's problems and the
   * validators', sorted by file and line, and the resources that have no error. Resources that
   * failed to bind are reported with their binding problems only.
   */
  public ValidationReport validate(LoadResult loaded) {
    List<Problem> problems = new ArrayList<>(loaded.problems());
    List<Resource<?>> accepted = new ArrayList<>();
    // As Istio's webhook, a resource that did not bind (unknown field, wrong type) is not
    // checked further: its absent-by-default values would only produce follow-on errors.
    // Resources are independent, so they are checked in parallel and merged in load order.
    List<List<Problem>> perResource =
        loaded.resources().parallelStream().map(r -> loaded.isClean(r) ? validate(r) : null).toList();
    for (int i = 0; i < perResource.size(); i++) {
      List<Problem> own = perResource.get(i);
      if (own == null) {
        continue;
      }
      problems.addAll(own);
      if (own.stream().noneMatch(Problem::isError)) {
        accepted.add(loaded.resources().get(i));
      }
    }
    problems.sort(Problem.BY_LOCATION);
    return new ValidationReport(loaded.resources().size(), accepted, problems);
  }
}
