package io.trellis.bench.peer;

import java.nio.file.Path;

/**
 * nginx.conf for the origin every target forwards to: one worker, no access log, fixed bodies
 * (answered from memory with {@code return 200} for the empty and the 1 KiB body — the lightest
 * origin nginx can be, so that the load generator sharing its core is left as much CPU as possible —
 * and a static file for 1 MiB). POST to the 1 MiB file
 * is turned from nginx's 405 into the file itself, so that one location serves the streamed
 * upload-and-download load. The body is read in full before the answer starts ({@code mirror} with
 * {@code mirror_request_body on} reads it first; the mirror target answers 204 internally): on its own,
 * the static module answers POST at once and discards the body behind it, so the "upload" would race
 * a finished response, and a proxy that (like Envoy) closes an HTTP/1.1 connection whose response
 * ended before its request gets a reconnect per request instead of a streamed upload.
 */
public final class NginxBackendConfig {

  private NginxBackendConfig() {}

  /**
   * @param workDir the nginx prefix: pid, error log and temp paths live here
   * @param docRoot directory holding files named {@code 1k} and {@code 1m}
   */
  public static String render(Path workDir, Path docRoot, BackendPorts ports) {
    return NginxCommon.header(workDir, "backend")
        + """
          server {
            listen 127.0.0.1:%d;
            listen 127.0.0.1:%d http2;
            root %s;
            location = %s { return 200 ""; }
            location = %s { default_type application/octet-stream; return 200 "%s"; }
            location = %s {
              default_type application/octet-stream;
              client_max_body_size 2m;
              client_body_buffer_size 2m;
              mirror /body-sink;
              mirror_request_body on;
              error_page 405 =200 $uri;
            }
            location = /body-sink { internal; return 204; }
          }
        }
        """
            .formatted(
                ports.http1(), ports.h2c(), docRoot, Paths.EMPTY, Paths.ONE_KB, "x".repeat(Paths.ONE_KB_BYTES), Paths.ONE_MB);
  }
}
