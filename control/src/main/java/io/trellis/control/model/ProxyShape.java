package io.trellis.control.model;

import io.trellis.control.xds.ProxyNode;
import java.util.List;
import java.util.Map;

/**
 * Everything a proxy's generated resources depend on, and nothing else, so that proxies with
 * equal shapes share one generation: what makes thousands of proxies cheap.
 *
 * <ul>
 *   <li>kind and namespace;
 *   <li>the Sidecar that applies (chosen by labels), as its key;
 *   <li>the labels that configuration can observe: those any VirtualService match names in {@code
 *       sourceLabels}, and the topology labels when a DestinationRule balances by locality;
 *   <li>the inbound side (a sidecar: the ports its workload serves) or the Gateways that select it
 *       (a gateway);
 *   <li>whether it is served over a delta stream, where its route configurations' virtual hosts go
 *       over VHDS (the delta shape's generation is the state-of-the-world one, split).
 * </ul>
 *
 * Labels nobody matches on (a pod-template hash, a unique app name) therefore do not split the
 * cache.
 */
record ProxyShape(
    ProxyNode.Kind kind, String namespace, String sidecar, Map<String, String> observedLabels, List<?> attached, boolean delta) {

  /** The same shape served over the other protocol variant. */
  ProxyShape withDelta(boolean delta) {
    return new ProxyShape(kind, namespace, sidecar, observedLabels, attached, delta);
  }
}
