package io.trellis.proxy.listener;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * What filter-chain matching knows about a new connection after the listener filters ran.
 *
 * @param destination the original destination (original_dst) or the local address
 * @param source the peer
 * @param serverName SNI from the TLS inspector, or ""
 * @param transportProtocol "tls" or "raw_buffer"
 * @param applicationProtocols ALPN from the TLS inspector, or the HTTP inspector's guess
 */
record ConnectionFacts(
    InetSocketAddress destination,
    InetSocketAddress source,
    String serverName,
    String transportProtocol,
    List<String> applicationProtocols) {}
