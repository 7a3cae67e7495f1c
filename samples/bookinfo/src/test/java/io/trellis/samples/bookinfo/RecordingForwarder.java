package io.trellis.samples.bookinfo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A small HTTP forwarder on 127.0.0.1 that records every request it gets, then relays it: as
 * an explicit HTTP proxy (requests arrive in absolute form, as a sidecar receives them from an
 * app with {@code HTTP_PROXY}) or in front of one service. {@code route} maps the request's
 * target to the real address, or to {@code null} for a {@code 502}.
 */
final class RecordingForwarder implements AutoCloseable {
  /** One request as it arrived: its request-target and its headers, names in lower case. */
  record Recorded(String method, URI target, Map<String, List<String>> headers) {
    String header(String name) {
      List<String> values = headers.get(name);
      return values == null ? null : values.getFirst();
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final HttpClient client = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .proxy(HttpClient.Builder.NO_PROXY)
      .build();
  private final ConcurrentLinkedQueue<Recorded> requests = new ConcurrentLinkedQueue<>();
  private final Function<URI, URI> route;

  RecordingForwarder(Function<URI, URI> route) throws IOException {
    this.route = route;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(executor);
    server.createContext("/", this::forward);
    server.start();
  }

  /** A forwarder in front of one service at {@code port} on 127.0.0.1. */
  static RecordingForwarder inFrontOf(int port) throws IOException {
    return new RecordingForwarder(target ->
        URI.create("http://127.0.0.1:" + port + target.getRawPath()));
  }

  int port() {
    return server.getAddress().getPort();
  }

  List<Recorded> requests() {
    return List.copyOf(requests);
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, List<String>> headers = new java.util.TreeMap<>();
      exchange.getRequestHeaders().forEach(
          (name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
      URI target = exchange.getRequestURI();
      requests.add(new Recorded(exchange.getRequestMethod(), target, headers));
      URI destination = route.apply(target);
      if (destination == null) {
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(destination).timeout(Duration.ofSeconds(20));
      for (String name : List.of("end-user", "x-request-id", "traceparent", "user-agent")) {
        if (exchange.getRequestHeaders().getFirst(name) != null) {
          request.header(name, exchange.getRequestHeaders().getFirst(name));
        }
      }
      HttpResponse<byte[]> response;
      try {
        response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException stopped) {
        Thread.currentThread().interrupt();
        exchange.sendResponseHeaders(502, -1);
        return;
      } catch (IOException unreachable) {
        exchange.sendResponseHeaders(502, -1);
        return;
      }
      response.headers().firstValue("content-type")
          .ifPresent(type -> exchange.getResponseHeaders().set("Content-Type", type));
      byte[] body = response.body();
      exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    client.close();
  }
}
