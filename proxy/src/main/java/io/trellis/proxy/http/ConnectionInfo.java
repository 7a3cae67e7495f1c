package io.trellis.proxy.http;

import java.net.InetSocketAddress;

/**
 * What is known about one downstream connection when its filter chain was chosen.
 *
 * @param listenerName the listener that accepted it
 * @param remoteAddress the peer
 * @param localAddress the local socket address
 * @param originalDestination where the client meant to connect (original_dst), else the local address
 * @param serverName the TLS SNI, or ""
 * @param transportProtocol "tls" or "raw_buffer"
 * @param secure whether the connection is TLS-terminated here (scheme https)
 */
public record ConnectionInfo(
    String listenerName,
    InetSocketAddress remoteAddress,
    InetSocketAddress localAddress,
    InetSocketAddress originalDestination,
    String serverName,
    String transportProtocol,
    boolean secure) {

  public String scheme() {
    return secure ? "https" : "http";
  }
}
