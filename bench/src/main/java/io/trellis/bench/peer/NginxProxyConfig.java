package io.trellis.bench.peer;

import java.nio.file.Path;

/**
 * nginx.conf for nginx as the reverse proxy under test: an upstream keep-alive pool (HTTP/1.1,
 * the Connection header cleared so nginx does not send "close"), request bodies streamed
 * ({@code proxy_request_buffering off}) and responses relayed through nginx's in-memory buffers
 * only, never spooled to disk ({@code proxy_max_temp_file_size 0}) — what a streaming proxy with
 * bounded buffers does. ({@code proxy_buffering off} would halve nginx's throughput with small
 * writes, which is not how anyone runs it), and an h2c listener on its own port
 * because nginx 1.22 serves only prior-knowledge HTTP/2 on a port marked {@code http2}.
 */
public final class NginxProxyConfig {

  private NginxProxyConfig() {}

  public static String render(Path workDir, int http1Port, int h2cPort, BackendPorts backend) {
    return NginxCommon.header(workDir, "proxy")
        + """
          upstream backend {
            server 127.0.0.1:%d;
            keepalive 256;
            keepalive_requests 10000000;
            keepalive_timeout 60s;
          }
          server {
            listen 127.0.0.1:%d;
            listen 127.0.0.1:%d http2;
            client_max_body_size 2m;
            location / {
              proxy_pass http://backend;
              proxy_http_version 1.1;
              proxy_set_header Connection "";
              proxy_request_buffering off;
              proxy_max_temp_file_size 0;
            }
          }
        }
        """
            .formatted(backend.http1(), http1Port, h2cPort);
  }
}
