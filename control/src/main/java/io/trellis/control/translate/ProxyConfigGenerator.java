package io.trellis.control.translate;

import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.trellis.control.model.ConfigChanges;
import io.trellis.control.model.InheritableKey;
import io.trellis.control.model.PushContext;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.Vhds;
import io.trellis.control.xds.XdsResources;

/**
 * Picks the generator for a proxy's kind (sidecar, gateway, or proxyless gRPC client), and shapes
 * its output for the protocol variant it is served over.
 */
public final class ProxyConfigGenerator {
  private ProxyConfigGenerator() {}

  public static XdsResources generate(PushContext ctx, ProxyNode node) {
    return switch (node.kind()) {
      case SIDECAR -> SidecarGenerator.generate(ctx, node);
      case ROUTER -> GatewayGenerator.generate(ctx, node);
      case PROXYLESS_GRPC -> GrpcGenerator.generate(ctx, node);
    };
  }

  /**
   * {@code generated} (a state-of-the-world generation) as a delta stream gets it: route
   * configurations split for VHDS ({@link Vhds}). Each route configuration is split once per push
   * context and its virtual hosts serialized once, however many shapes share it.
   */
  public static XdsResources forDelta(PushContext ctx, XdsResources generated) {
    return Vhds.apply(generated, SharedResources.of(ctx), rc -> ctx.memo(new SplitOf(rc), () -> Vhds.of(rc)));
  }

  /**
   * A memo key equal only for the very same route configuration instance. The split is a pure
   * function of that instance, so it holds in any later push context that still uses it.
   */
  private record SplitOf(RouteConfiguration rc) implements InheritableKey {
    @Override
    public boolean equals(Object o) {
      return o instanceof SplitOf s && s.rc == rc;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(rc);
    }

    @Override
    public boolean survives(ConfigChanges changes) {
      return true;
    }
  }
}
