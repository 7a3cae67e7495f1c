package io.trellis.control.local;

import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.Vhds;
import io.trellis.control.xds.XdsGenerator;
import io.trellis.control.xds.XdsResources;
import java.util.Objects;
import java.util.Optional;

/**
 * Wraps the translation's generator: proxies of the local mesh (node metadata {@value
 * LocalNode#MODE}) get its output reshaped for how their traffic reaches them; every other proxy
 * gets it unchanged. Local proxies' HTTP filters other than the router are marked optional
 * ({@link OptionalHttpFilters}); a local proxy on a delta stream gets the result split for VHDS
 * ({@link Vhds}). Pure and thread-safe as long as the wrapped generator is.
 */
public final class LocalMeshGenerator implements XdsGenerator {
  private final XdsGenerator delegate;

  public LocalMeshGenerator(XdsGenerator delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  @Override
  public XdsResources generate(ProxyNode node) {
    Optional<LocalNode> local = LocalNode.of(node);
    if (local.isEmpty()) {
      return delegate.generate(node);
    }
    // The rewrites work on route configurations with their virtual hosts inline: reshape the
    // state-of-the-world form, then split it for VHDS if the proxy is on a delta stream.
    XdsResources generated = delegate.generate(node.withDelta(false));
    LocalNode l = local.get();
    XdsResources reshaped = switch (node.kind()) {
      case ROUTER -> LocalGatewayRewrite.rewrite(generated, l);
      case SIDECAR ->
          l.mode() == LocalNode.Mode.LOOPBACK
              ? LoopbackSidecarRewrite.rewrite(generated, l)
              : CapturedSidecarRewrite.rewrite(generated, l);
      case PROXYLESS_GRPC -> generated;
    };
    XdsResources shaped = OptionalHttpFilters.apply(reshaped);
    return node.delta() ? Vhds.apply(shaped, XdsResources.Resource::of, Vhds::of) : shaped;
  }
}
