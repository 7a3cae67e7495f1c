package io.trellis.control.sim;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A request (or a TCP connection) as a proxy sees it: where it was sent (address and port, as
 * iptables preserves them), the TLS SNI if any, and for HTTP the authority, path, method and
 * headers.
 */
public record Request(
    String destinationIp, int port, String sni, boolean http, String authority, String path, String method, Map<String, String> headers) {

  public Request {
    headers = Map.copyOf(headers);
  }

  /** An HTTP request to {@code authority} (host or host:port) on {@code port}. */
  public static Request http(String authority, int port, String path) {
    return new Request("", port, "", true, authority, path, "GET", Map.of());
  }

  /** A TCP connection to {@code ip:port}. */
  public static Request tcp(String ip, int port) {
    return new Request(ip, port, "", false, "", "", "", Map.of());
  }

  /** A TLS connection on {@code port} with SNI {@code sni} (not terminated by the proxy). */
  public static Request tls(String sni, int port) {
    return new Request("", port, sni, false, "", "", "", Map.of());
  }

  public Request header(String name, String value) {
    Map<String, String> h = new TreeMap<>(headers);
    h.put(name.toLowerCase(Locale.ROOT), value);
    return new Request(destinationIp, port, sni, http, authority, path, method, h);
  }

  public Request method(String m) {
    return new Request(destinationIp, port, sni, http, authority, path, m, headers);
  }

  public Request to(String ip) {
    return new Request(ip, port, sni, http, authority, path, method, headers);
  }

  /** Over TLS with this SNI (a gateway terminating HTTPS). */
  public Request withSni(String name) {
    return new Request(destinationIp, port, name, http, authority, path, method, headers);
  }
}
