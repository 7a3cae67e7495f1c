package io.trellis.api.model.networking;

import io.trellis.api.model.Frozen;
import io.trellis.api.model.Spec;
import java.util.List;
import java.util.Map;

/** The spec of an Istio {@code Gateway}: the ports and hosts an edge proxy (chosen by {@code selector}) serves. */
public record Gateway(List<Server> servers, Map<String, String> selector) implements Spec {
  public Gateway {
    servers = Frozen.list(servers);
    selector = Frozen.map(selector);
  }


  /** One port with the hosts exposed on it, and TLS. */
  public record Server(
      Port port,
      String bind,
      List<String> hosts,
      ServerTlsSettings tls,
      String defaultEndpoint,
      String name) {
    public Server {
      hosts = Frozen.list(hosts);
    }
  }

  /** A port a Gateway server listens on. */
  public record Port(int number, String protocol, String name, int targetPort) {}
}
