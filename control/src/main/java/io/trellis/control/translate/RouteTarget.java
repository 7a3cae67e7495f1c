package io.trellis.control.translate;

import io.trellis.control.model.PushContext;
import io.trellis.control.xds.ProxyNode;
import java.util.Map;
import java.util.Objects;

/**
 * Where a set of routes is generated for, which decides which VirtualService matches apply and how
 * destinations resolve: the proxy (kind, namespace, labels), the listener port, and the gateway
 * the routes serve ({@code mesh} for sidecars and gRPC clients, {@code ns/name} for a gateway).
 *
 * @param ctx the push context
 * @param kind sidecar, gateway or proxyless gRPC (gRPC gets only what its xDS client supports)
 * @param namespace the proxy's namespace
 * @param labels the proxy's labels (for {@code sourceLabels} matches)
 * @param port the listener port (for {@code port} matches and destinations without a port)
 * @param gateway {@code mesh} or the gateway's {@code ns/name}
 */
record RouteTarget(PushContext ctx, ProxyNode.Kind kind, String namespace, Map<String, String> labels, int port, String gateway) {
  RouteTarget {
    Objects.requireNonNull(ctx, "ctx");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    labels = Map.copyOf(labels);
    Objects.requireNonNull(gateway, "gateway");
  }

  boolean proxyless() {
    return kind == ProxyNode.Kind.PROXYLESS_GRPC;
  }
}
