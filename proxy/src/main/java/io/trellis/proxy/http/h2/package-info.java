/**
 * HTTP/2 downstream codec: Netty's frame codec and multiplexer, one child channel per stream whose
 * frames are presented as {@code HttpObject}s, read on demand so that flow-control windows open only
 * as fast as the upstream takes the body. Draining sends GOAWAY and closes once streams finish.
 */
package io.trellis.proxy.http.h2;
