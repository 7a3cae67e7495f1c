/**
 * Listener configuration as immutable values mirroring Envoy's {@code listener.v3} and the network
 * filters Trellis implements ({@code http_connection_manager}, {@code tcp_proxy}). The xDS layer
 * converts protos into these at the edge; the listener runtime compiles them, never protobuf.
 */
package io.trellis.proxy.config.listener;
