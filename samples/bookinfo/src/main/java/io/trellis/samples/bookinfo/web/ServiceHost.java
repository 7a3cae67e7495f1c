package io.trellis.samples.bookinfo.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One Bookinfo service listening on the JDK's HTTP server, one virtual thread per request, so a
 * request that waits on a slow backend (the point of the fault-injection tasks) holds no platform
 * thread.
 *
 * <p>Every request is logged in one line, which is what {@code trellis logs POD} shows, and an
 * exception in a handler becomes a {@code 500} rather than a connection closed without a reply.
 */
public final class ServiceHost implements AutoCloseable {
  private final String name;
  private final HttpServer server;
  private final ExecutorService executor;

  private ServiceHost(String name, HttpServer server, ExecutorService executor) {
    this.name = name;
    this.server = server;
    this.executor = executor;
  }

  /**
   * Binds {@code address} and starts serving {@code handler}.
   *
   * @param name how the access log names this service, e.g. {@code reviews-v2}
   * @param log where access-log lines go
   */
  public static ServiceHost start(
      String name, InetSocketAddress address, HttpHandler handler, PrintStream log)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    server.setExecutor(executor);
    server.createContext("/", new Guarded(name, handler, log));
    server.start();
    return new ServiceHost(name, server, executor);
  }

  /**
   * The address a pod's service binds: {@code POD_IP} when set (the local mesh gives every pod
   * its own loopback address, so six services can all use port 9080), else every interface.
   *
   * @throws IllegalArgumentException when {@code POD_IP} is not an IP address literal
   */
  public static InetSocketAddress bindAddress(Environment env, int port) {
    Optional<String> podIp = env.get("POD_IP");
    if (podIp.isEmpty()) {
      return new InetSocketAddress(port);
    }
    try {
      // ofLiteral never consults DNS: a pod IP that is a name is a configuration mistake.
      return new InetSocketAddress(InetAddress.ofLiteral(podIp.get()), port);
    } catch (IllegalArgumentException notLiteral) {
      throw new IllegalArgumentException(
          "POD_IP: '" + podIp.get() + "' (expected: an IPv4 or IPv6 address)");
    }
  }

  /** The address actually bound (the port is the real one when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** The port actually bound. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The name the access log uses for this service. */
  public String name() {
    return name;
  }

  /** Stops at once: requests in flight are abandoned. Tests and forced stops use this. */
  @Override
  public void close() {
    stop(0);
  }

  /**
   * Stops accepting connections, lets requests in flight finish for up to {@code graceSeconds},
   * then abandons the rest.
   */
  public void stop(int graceSeconds) {
    server.stop(graceSeconds);
    executor.shutdownNow();
  }

  /** Logs each request and turns a handler's exception into a 500. */
  private record Guarded(String name, HttpHandler handler, PrintStream log)
      implements HttpHandler {
    @Override
    public void handle(HttpExchange exchange) throws IOException {
      long started = System.nanoTime();
      try {
        handler.handle(exchange);
      } catch (RuntimeException | IOException failure) {
        if (exchange.getResponseCode() == -1) {
          try {
            Reply.jsonError(exchange, 500, "internal error: " + failure);
          } catch (IOException alreadyBroken) {
            failure.addSuppressed(alreadyBroken);
          }
        }
        log.println("[" + name + "] " + exchange.getRequestMethod() + " "
            + exchange.getRequestURI() + " failed: " + failure);
      } finally {
        exchange.close();
        long millis = (System.nanoTime() - started) / 1_000_000;
        log.println("[" + name + "] " + exchange.getRequestMethod() + " "
            + exchange.getRequestURI() + " " + exchange.getResponseCode() + " " + millis + "ms");
      }
    }
  }
}
