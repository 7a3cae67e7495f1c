package io.trellis.control.local;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.trellis.control.xds.ProxyNode;
import java.util.Optional;

/**
 * How a proxy of the local mesh is reached, read from its xDS node metadata. {@code trellis up}
 * writes these keys into each proxy's bootstrap; a proxy without {@value #MODE} is an ordinary
 * proxy and gets Istio's configuration unchanged.
 *
 * @param mode how the pod's traffic reaches its proxy
 * @param meshIp the address other pods and the gateway use for this pod (its registered pod IP);
 *     the sidecar binds its inbound listeners and its HTTP proxy here in loopback mode
 * @param appIp where the app listens (inbound clusters point here)
 * @param httpProxyPort loopback mode: the port of the sidecar's HTTP proxy listener on {@code meshIp}
 * @param ingressBind gateways: the address the gateway's listeners bind
 * @param ingressPort gateways: the port the Gateway's HTTP server is served on, 0 to keep its own
 */
public record LocalNode(Mode mode, String meshIp, String appIp, int httpProxyPort, String ingressBind, int ingressPort) {

  /** {@code LOOPBACK} or {@code NETNS}. */
  public static final String MODE = "TRELLIS_LOCAL_MODE";
  public static final String MESH_IP = "TRELLIS_MESH_IP";
  public static final String APP_IP = "TRELLIS_APP_IP";
  public static final String HTTP_PROXY_PORT = "TRELLIS_HTTP_PROXY_PORT";
  public static final String INGRESS_BIND = "TRELLIS_INGRESS_BIND";
  public static final String INGRESS_PORT = "TRELLIS_INGRESS_PORT";

  /** Istio's outbound capture port, reused as the HTTP proxy port when nothing says otherwise. */
  public static final int DEFAULT_HTTP_PROXY_PORT = 15001;

  /** How a local pod's traffic reaches its sidecar. */
  public enum Mode {
    /** Shared host network, one loopback address per pod, no capture: explicit proxying. */
    LOOPBACK,
    /** A network namespace per pod with iptables capture, as on Kubernetes. */
    NETNS
  }

  /**
   * The local-mesh view of {@code node}, or empty when it is not a local proxy.
   *
   * @throws IllegalArgumentException when the metadata is present but malformed
   */
  public static Optional<LocalNode> of(ProxyNode node) {
    Struct md = node.metadata();
    String mode = string(md, MODE);
    if (mode.isEmpty()) {
      return Optional.empty();
    }
    Mode m;
    try {
      m = Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(MODE + ": '" + mode + "' (expected: LOOPBACK or NETNS)");
    }
    String meshIp = string(md, MESH_IP);
    if (meshIp.isEmpty() && !node.ipAddresses().isEmpty()) {
      meshIp = node.ipAddresses().getFirst();
    }
    String appIp = string(md, APP_IP);
    if (appIp.isEmpty()) {
      appIp = meshIp;
    }
    int proxyPort = port(md, HTTP_PROXY_PORT, DEFAULT_HTTP_PROXY_PORT);
    String bind = string(md, INGRESS_BIND);
    return Optional.of(new LocalNode(m, meshIp, appIp, proxyPort, bind.isEmpty() ? "127.0.0.1" : bind, port(md, INGRESS_PORT, 0)));
  }

  private static int port(Struct md, String key, int fallback) {
    String text = string(md, key);
    if (text.isEmpty()) {
      return fallback;
    }
    try {
      int p = Integer.parseInt(text);
      if (p < 0 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + text + "' (expected: a port 0..65535)");
    }
  }

  private static String string(Struct md, String key) {
    Value v = md.getFieldsMap().get(key);
    if (v == null) {
      return "";
    }
    if (v.hasNumberValue()) {
      return String.valueOf((long) v.getNumberValue());
    }
    return v.hasStringValue() ? v.getStringValue().strip() : "";
  }
}
