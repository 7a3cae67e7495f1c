package io.trellis.cli.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A workload on 127.0.0.1 (port 0) that answers every request 200 with its own name as the body,
 * so a test can tell where a request went; it counts what it served.
 */
final class NamedBackend implements AutoCloseable {
  private final String name;
  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicLong served = new AtomicLong();

  private NamedBackend(String name) throws IOException {
    this.name = name;
    byte[] body = name.getBytes(StandardCharsets.UTF_8);
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    server.createContext(
        "/",
        ex -> {
          try (InputStream in = ex.getRequestBody()) {
            in.readAllBytes();
          }
          ex.getResponseHeaders().set("Content-Type", "text/plain");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
          served.incrementAndGet();
        });
    executor = Executors.newFixedThreadPool(4, Thread.ofPlatform().daemon().name("backend-" + name + "-", 0).factory());
    server.setExecutor(executor);
    server.start();
  }

  static NamedBackend start(String name) throws IOException {
    return new NamedBackend(name);
  }

  String name() {
    return name;
  }

  int port() {
    return server.getAddress().getPort();
  }

  long served() {
    return served.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
