package io.trellis.proxy.network;

/**
 * A downstream connection that can be asked to finish gracefully when its listener is updated or
 * removed: HTTP/1.1 says {@code Connection: close} on its next response and closes when idle, HTTP/2
 * sends GOAWAY and closes when its streams finish, a TCP proxy closes after the drain timeout.
 */
public interface Drainable {
  void drain();
}
