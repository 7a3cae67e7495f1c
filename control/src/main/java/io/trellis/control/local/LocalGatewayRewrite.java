package io.trellis.control.local;

import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reshapes a gateway's configuration for the local mesh: its listeners bind the ingress address
 * ({@code 127.0.0.1} unless told otherwise) instead of every interface, and the Gateway's HTTP
 * server port is served on the port the user chose ({@code trellis up --ingress-port}), as a
 * Kubernetes Service in front of the gateway would map it. Which listener that is: the only one,
 * else the one on Istio's gateway HTTP ports 8080 or 80, else the lowest port.
 */
public final class LocalGatewayRewrite {
  private LocalGatewayRewrite() {}

  public static XdsResources rewrite(XdsResources in, LocalNode local) {
    XdsResources.Builder out = XdsResources.builder();
    ResourceCopy.copyExcept(in, Set.of(XdsType.LISTENER.typeUrl()), out);
    List<Listener> listeners = new ArrayList<>();
    in.ofType(XdsType.LISTENER).values().forEach(r -> listeners.add((Listener) r.message()));
    int mapped = local.ingressPort() > 0 ? mappedPort(listeners) : -1;
    for (Listener l : listeners) {
      SocketAddress sa = l.getAddress().getSocketAddress();
      boolean wildcard = sa.getAddress().equals("0.0.0.0") || sa.getAddress().equals("::");
      int port = sa.getPortValue() == mapped ? local.ingressPort() : sa.getPortValue();
      String ip = wildcard ? local.ingressBind() : sa.getAddress();
      if (!wildcard && port == sa.getPortValue()) {
        out.add(l);
        continue;
      }
      out.add(l.toBuilder().setName(ip + "_" + port).setAddress(ResourceCopy.address(ip, port)).build());
    }
    return out.build();
  }

  private static int mappedPort(List<Listener> listeners) {
    if (listeners.isEmpty()) {
      return -1;
    }
    List<Integer> ports = listeners.stream().map(l -> l.getAddress().getSocketAddress().getPortValue()).sorted().toList();
    if (ports.size() == 1) {
      return ports.getFirst();
    }
    if (ports.contains(8080)) {
      return 8080;
    }
    if (ports.contains(80)) {
      return 80;
    }
    return ports.getFirst();
  }
}
