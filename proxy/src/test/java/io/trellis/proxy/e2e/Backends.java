package io.trellis.proxy.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A tiny HTTP/1.1 backend (JDK HttpServer) that answers every request with its name and the path. */
final class Backends {
  private Backends() {}

  static final class NamedBackend implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor;

    NamedBackend(String name) throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
      executor = Executors.newFixedThreadPool(4);
      server.setExecutor(executor);
      server.createContext(
          "/",
          exchange -> {
            try (exchange) {
              exchange.getRequestBody().readAllBytes();
              byte[] body = (name + " " + exchange.getRequestURI().getPath() + "\n").getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("content-type", "text/plain");
              exchange.getResponseHeaders().set("x-backend", name);
              exchange.sendResponseHeaders(200, body.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
              }
            }
          });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }

    @Override
    public void close() {
      server.stop(0);
      executor.shutdownNow();
    }
  }

  /** Runs a program to completion (bounded by {@code timeoutSeconds}) and returns its stdout. */
  static Result run(int timeoutSeconds, String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
    try {
      if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
        throw new AssertionError(String.join(" ", command) + ": still running after " + timeoutSeconds + "s");
      }
      return new Result(
          p.exitValue(),
          new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
          new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }

  record Result(int exit, String out, String err) {}

  static int freePort() throws IOException {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
