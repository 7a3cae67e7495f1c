package io.trellis.proxy.http;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import io.trellis.proxy.upstream.HttpProtocol;

/**
 * The codec side of one request, as {@link ActiveStream} sees it: HTTP/1.1 (one of a connection's
 * pipelined requests) or HTTP/2 (one stream). Called on the connection's event loop only.
 */
public interface DownstreamStream {

  /** Writes one response part; the codec fixes up framing and connection-specific headers. */
  void writeResponse(HttpObject part, boolean flush);

  /** Whether the downstream can take more response data now. */
  boolean isWritable();

  /** Asks for more request parts (bodies are read only on demand, for back-pressure). */
  void readRequest();

  /** Abandons the stream: HTTP/2 RST_STREAM, HTTP/1.1 closes the connection. */
  void reset();

  /** Hands the raw connection over to a tunnel after a 101/200 (WebSocket, CONNECT); HTTP/1.1 only. */
  io.netty.channel.Channel detachForTunnel();

  /** Called by the stream when it is finished (response complete and request consumed or abandoned). */
  void streamEnded(boolean requestComplete);

  EventLoop eventLoop();

  HttpProtocol protocol();

  /** Whether this connection is draining (the response should carry {@code Connection: close}/GOAWAY follows). */
  boolean draining();
}
