package io.trellis.control.model;

import io.trellis.api.model.ResourceKey;
import io.trellis.control.registry.MeshService;

/**
 * The memo key of a value built from one service, its endpoints and the DestinationRule that
 * applies to it, as one proxy locality sees it (a cluster, a load assignment). Such a value survives
 * a change that touched neither the service's resource, nor the rule, nor the service's endpoints.
 *
 * @param kind what the value is ("cluster", "endpoints", ...)
 * @param name the resource name
 * @param serviceSource the resource that declared the service
 * @param serviceHost the service's host name
 * @param serviceNamespace the service's namespace (with the host, how {@link ConfigChanges} names it;
 *     kept apart so that a lookup, made for every cluster of every proxy shape, builds no string)
 * @param rule the DestinationRule's key, or {@code ""} when none applies
 * @param locality the proxy's locality where it matters, else {@code ""}
 * @param proxyless whether the value is for a proxyless gRPC client
 */
public record ServiceDerivedKey(
    String kind,
    String name,
    ResourceKey serviceSource,
    String serviceHost,
    String serviceNamespace,
    Object rule,
    String locality,
    boolean proxyless)
    implements InheritableKey {

  public static ServiceDerivedKey of(String kind, String name, MeshService service, Object rule, String locality, boolean proxyless) {
    return new ServiceDerivedKey(kind, name, service.source(), service.hostname(), service.namespace(), rule, locality, proxyless);
  }

  @Override
  public boolean survives(ConfigChanges changes) {
    return !changes.resources().contains(serviceSource)
        && !(rule instanceof ResourceKey k && changes.resources().contains(k))
        && !changes.endpointsMoved().contains(ConfigChanges.serviceId(serviceHost, serviceNamespace));
  }
}
