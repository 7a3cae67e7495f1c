package io.trellis.control.local;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reshapes a sidecar's configuration for a pod whose traffic iptables captures (netns isolation).
 *
 * <p>Istio's outbound listeners per service port are not bound ({@code bind_to_port: false}):
 * Envoy hands each connection the capture listener {@code virtualOutbound} accepts to the listener
 * matching its original destination. The same choice is expressed here with the capture listener's
 * own filter-chain match: every filter chain of an unbound listener moves into {@code
 * virtualOutbound}, matched by the listener's port (and its address, unless it is the wildcard),
 * ahead of the catch-all chain. Envoy's most-specific-match rules then pick exactly what the
 * hand-off would have picked. Inbound clusters send to the app's address (the pod IP it binds).
 */
public final class CapturedSidecarRewrite {
  private CapturedSidecarRewrite() {}

  public static XdsResources rewrite(XdsResources in, LocalNode local) {
    XdsResources.Builder out = XdsResources.builder();
    ResourceCopy.copyExcept(in, Set.of(XdsType.CLUSTER.typeUrl(), XdsType.LISTENER.typeUrl()), out);
    ResourceCopy.clustersToApp(in, local.appIp(), out);

    Listener virtualOutbound = null;
    List<FilterChain> handedOver = new ArrayList<>();
    for (XdsResources.Resource r : in.ofType(XdsType.LISTENER).values()) {
      Listener l = (Listener) r.message();
      if (l.getName().equals(LoopbackSidecarRewrite.VIRTUAL_OUTBOUND)) {
        virtualOutbound = l;
      } else if (l.hasBindToPort() && !l.getBindToPort().getValue()) {
        SocketAddress sa = l.getAddress().getSocketAddress();
        int i = 0;
        for (FilterChain chain : l.getFilterChainsList()) {
          FilterChainMatch.Builder m = chain.getFilterChainMatch().toBuilder().setDestinationPort(UInt32Value.of(sa.getPortValue()));
          if (!sa.getAddress().equals("0.0.0.0") && !sa.getAddress().equals("::") && m.getPrefixRangesCount() == 0) {
            m.addPrefixRanges(CidrRange.newBuilder().setAddressPrefix(sa.getAddress()).setPrefixLen(UInt32Value.of(sa.getAddress().contains(":") ? 128 : 32)));
          }
          String name = chain.getName().isEmpty() ? l.getName() + "#" + i : l.getName() + "#" + chain.getName();
          handedOver.add(chain.toBuilder().setName(name).setFilterChainMatch(m).build());
          i++;
        }
      } else {
        out.add(l);
      }
    }
    if (virtualOutbound != null) {
      Listener.Builder vo = virtualOutbound.toBuilder().clearFilterChains().addAllFilterChains(handedOver);
      vo.addAllFilterChains(virtualOutbound.getFilterChainsList());
      out.add(vo.build());
    }
    return out.build();
  }
}
