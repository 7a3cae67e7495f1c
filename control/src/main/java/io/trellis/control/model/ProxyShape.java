package io.trellis.control.model;

import io.trellis.control.xds.ProxyNode;
import java.util.List;
import java.util.Map;

/**
 * What a proxy's generated resources depend on: its kind, namespace and labels (labels choose the
 * Sidecar, the Gateways and the inbound services), and its addresses only when its Sidecar sends
 * inbound traffic to "the instance IP" ({@code defaultEndpoint: 0.0.0.0:PORT}). Proxies with equal
 * shapes get equal resources, so the push context generates once per shape, which is what makes
 * thousands of replicas of a few deployments cheap.
 */
record ProxyShape(ProxyNode.Kind kind, String namespace, Map<String, String> labels, List<String> addresses) {
  static ProxyShape of(ProxyNode node, boolean addressMatters) {
    return new ProxyShape(node.kind(), node.namespace(), node.labels(), addressMatters ? node.ipAddresses() : List.of());
  }
}
