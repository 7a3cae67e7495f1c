package io.trellis.control.translate;

import io.trellis.control.model.PushContext;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsResources;

/** Picks the generator for a proxy's kind: sidecar, gateway, or proxyless gRPC client. */
public final class ProxyConfigGenerator {
  private ProxyConfigGenerator() {}

  public static XdsResources generate(PushContext ctx, ProxyNode node) {
    return switch (node.kind()) {
      case SIDECAR -> SidecarGenerator.generate(ctx, node);
      case ROUTER -> GatewayGenerator.generate(ctx, node);
      case PROXYLESS_GRPC -> GrpcGenerator.generate(ctx, node);
    };
  }
}
