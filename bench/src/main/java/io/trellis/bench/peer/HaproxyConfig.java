package io.trellis.bench.peer;

/**
 * haproxy.cfg for HAProxy as the reverse proxy under test: HTTP mode, one thread, server-side
 * connections reused across client connections ({@code http-reuse always}, the closest match to a
 * per-worker keep-alive pool), no logging, and an h2c bind on its own port. {@code maxconn} stays well under the usual
 * 20000 open-file limit, which HAProxy would otherwise refuse to start with.
 */
public final class HaproxyConfig {

  private HaproxyConfig() {}

  public static String render(int http1Port, int h2cPort, BackendPorts backend) {
    return """
        global
          nbthread 1
          maxconn 4096

        defaults
          mode http
          option http-keep-alive
          http-reuse always
          timeout connect 5s
          timeout client 60s
          timeout server 60s
          timeout http-keep-alive 60s

        frontend bench
          bind 127.0.0.1:%d
          bind 127.0.0.1:%d proto h2
          default_backend origin

        backend origin
          server origin 127.0.0.1:%d
        """
        .formatted(http1Port, h2cPort, backend.http1());
  }
}
