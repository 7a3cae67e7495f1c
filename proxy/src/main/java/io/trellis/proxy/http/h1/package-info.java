/**
 * HTTP/1.1 downstream codec: Netty's strict {@code HttpServerCodec}, a byte screen for what it
 * tolerates (obs-fold, loose request lines), and a connection handler that validates each request,
 * runs pipelined requests strictly in order, and reads the socket only on demand.
 */
package io.trellis.proxy.http.h1;
