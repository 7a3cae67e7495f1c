package io.trellis.samples.bookinfo.web;

import com.sun.net.httpserver.HttpExchange;
import io.trellis.samples.bookinfo.json.JsonWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The responses Bookinfo services send: JSON, HTML, redirects and plain errors. */
public final class Reply {
  private Reply() {}

  /** Sends {@code value} (see {@link JsonWriter#write}) as {@code application/json}. */
  public static void json(HttpExchange exchange, int status, Object value) throws IOException {
    send(exchange, status, "application/json", JsonWriter.write(value));
  }

  /** Sends a JSON object {@code {"error": message}}, the shape Bookinfo's APIs use for errors. */
  public static void jsonError(HttpExchange exchange, int status, String message)
      throws IOException {
    json(exchange, status, Map.of("error", message));
  }

  /** Sends an HTML document; the caller has already escaped every untrusted string in it. */
  public static void html(HttpExchange exchange, int status, String html) throws IOException {
    send(exchange, status, "text/html; charset=utf-8", html);
  }

  /** Sends {@code 302 Found} to {@code location}, setting the given cookies. */
  public static void redirect(HttpExchange exchange, String location, List<String> setCookies)
      throws IOException {
    exchange.getResponseHeaders().set("Location", location);
    for (String cookie : setCookies) {
      exchange.getResponseHeaders().add("Set-Cookie", cookie);
    }
    send(exchange, 302, "text/plain; charset=utf-8", "");
  }

  /** Sends {@code 405} with the {@code Allow} header HTTP requires. */
  public static void methodNotAllowed(HttpExchange exchange, String allowed) throws IOException {
    exchange.getResponseHeaders().set("Allow", allowed);
    jsonError(exchange, 405, exchange.getRequestMethod() + " not allowed (expected: " + allowed + ")");
  }

  /**
   * Answers {@code 405} unless the request is a GET or HEAD; returns whether it did, so a
   * read-only resource starts with {@code if (Reply.rejectUnlessRead(exchange)) return;}.
   */
  public static boolean rejectUnlessRead(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      return false;
    }
    methodNotAllowed(exchange, "GET, HEAD");
    return true;
  }

  /** Sends {@code 404} naming the path that matched nothing. */
  public static void notFound(HttpExchange exchange) throws IOException {
    jsonError(exchange, 404, "no such resource: " + exchange.getRequestURI().getPath());
  }

  /** Sends {@code body} with {@code contentType}; the exchange is finished afterwards. */
  public static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean noBody = bytes.length == 0 || exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, noBody ? -1 : bytes.length);
    if (!noBody) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
