package io.trellis.control.local;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.util.Set;

/**
 * Marks the HTTP filters of local proxies' connection managers {@code is_optional}, except the
 * router: Envoy's own rule for a filter a proxy may not implement — a proxy that has it runs it, a
 * proxy that lacks it skips it instead of rejecting the whole listener update. The local mesh
 * runs whatever proxy build is at hand, and one missing filter (CORS, say) must not leave every
 * pod without listeners; a feature that needs the filter (fault injection) works exactly when the
 * proxy implements it.
 */
final class OptionalHttpFilters {
  static final String ROUTER = "envoy.filters.http.router";

  private OptionalHttpFilters() {}

  static XdsResources apply(XdsResources in) {
    XdsResources.Builder out = XdsResources.builder();
    ResourceCopy.copyExcept(in, Set.of(XdsType.LISTENER.typeUrl()), out);
    for (XdsResources.Resource r : in.ofType(XdsType.LISTENER).values()) {
      out.add(apply((Listener) r.message()));
    }
    return out.build();
  }

  static Listener apply(Listener l) {
    Listener.Builder b = l.toBuilder();
    for (FilterChain.Builder chain : b.getFilterChainsBuilderList()) {
      for (Filter.Builder f : chain.getFiltersBuilderList()) {
        HttpConnectionManager hcm = LoopbackSidecarRewrite.hcm(f.build());
        if (hcm == null) {
          continue;
        }
        HttpConnectionManager.Builder h = hcm.toBuilder();
        for (HttpFilter.Builder hf : h.getHttpFiltersBuilderList()) {
          if (!hf.getName().equals(ROUTER)) {
            hf.setIsOptional(true);
          }
        }
        f.setTypedConfig(Any.pack(h.build()));
      }
    }
    return b.build();
  }
}
