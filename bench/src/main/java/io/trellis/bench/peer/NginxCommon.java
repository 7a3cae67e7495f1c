package io.trellis.bench.peer;

import java.nio.file.Path;

/**
 * The part of nginx.conf the origin and the reverse proxy share: foreground, one worker, every
 * path nginx writes to inside the run's directory, no access log, and keep-alive connections that
 * are never closed for having served "too many" requests (nginx's default closes after 1000,
 * which the other targets do not do).
 */
final class NginxCommon {

  private NginxCommon() {}

  static String header(Path workDir, String name) {
    return """
        worker_processes 1;
        daemon off;
        master_process on;
        pid %1$s/%2$s-nginx.pid;
        error_log %1$s/%2$s-error.log warn;
        events { worker_connections 8192; multi_accept on; }
        http {
          access_log off;
          keepalive_requests 10000000;
          keepalive_timeout 60s;
          client_body_temp_path %1$s/%2$s-client_body;
          proxy_temp_path %1$s/%2$s-proxy;
          fastcgi_temp_path %1$s/%2$s-fastcgi;
          uwsgi_temp_path %1$s/%2$s-uwsgi;
          scgi_temp_path %1$s/%2$s-scgi;
        """
        .formatted(workDir, name);
  }
}
