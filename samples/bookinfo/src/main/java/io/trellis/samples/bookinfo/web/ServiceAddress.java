package io.trellis.samples.bookinfo.web;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a Bookinfo service finds another: {@code http://HOST[.SERVICES_DOMAIN]:PORT}, from the
 * same variables Istio's Bookinfo reads ({@code DETAILS_HOSTNAME}, {@code DETAILS_SERVICE_PORT},
 * and likewise for {@code RATINGS} and {@code REVIEWS}), defaulting to the Kubernetes service
 * name and port 9080. The name is not resolved here: in the mesh the sidecar resolves it.
 */
public final class ServiceAddress {
  /** The port every Bookinfo service listens on, in Kubernetes and in the local mesh. */
  public static final int DEFAULT_PORT = 9080;

  private ServiceAddress() {}

  /**
   * The base URI of {@code service} (e.g. {@code reviews}).
   *
   * @throws IllegalArgumentException when a variable holds something that is not a host or port
   */
  public static URI of(Environment env, String service) {
    String prefix = service.toUpperCase(java.util.Locale.ROOT);
    String hostVariable = prefix + "_HOSTNAME";
    String host = env.get(hostVariable, service);
    String domain = env.get("SERVICES_DOMAIN").map(d -> "." + d).orElse("");
    int port = env.port(prefix + "_SERVICE_PORT", DEFAULT_PORT);
    try {
      URI uri = new URI("http://" + host + domain + ":" + port);
      if (uri.getHost() == null || uri.getRawPath() == null || !uri.getRawPath().isEmpty()) {
        throw new URISyntaxException(uri.toString(), "not a bare host name");
      }
      return uri;
    } catch (URISyntaxException bad) {
      throw new IllegalArgumentException(
          hostVariable + " / SERVICES_DOMAIN: '" + host + domain + "' (expected: a host name)");
    }
  }
}
