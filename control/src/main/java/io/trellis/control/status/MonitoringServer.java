package io.trellis.control.status;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves {@code GET /metrics} in Prometheus text format on Istio's control-plane monitoring port
 * (15014), bound to loopback unless told otherwise: metrics name every service and proxy in the
 * mesh.
 */
public final class MonitoringServer implements AutoCloseable {
  public static final int DEFAULT_PORT = 15014;

  private final HttpServer http;
  private final ExecutorService executor;

  private MonitoringServer(HttpServer http, ExecutorService executor) {
    this.http = http;
    this.executor = executor;
  }

  public static MonitoringServer start(String host, int port, ControlPlaneMetrics metrics) throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 16);
    http.createContext("/metrics", exchange -> serve(exchange, metrics));
    ExecutorService executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("monitoring").daemon().factory());
    http.setExecutor(executor);
    http.start();
    return new MonitoringServer(http, executor);
  }

  private static void serve(HttpExchange exchange, ControlPlaneMetrics metrics) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      if (!exchange.getRequestURI().getPath().equals("/metrics")) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      byte[] body = metrics.scrape().getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", metrics.contentType());
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
  }
}
