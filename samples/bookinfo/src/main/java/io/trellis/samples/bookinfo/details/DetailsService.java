package io.trellis.samples.bookinfo.details;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.trellis.samples.bookinfo.web.ProductId;
import io.trellis.samples.bookinfo.web.Reply;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /details/{id}} answers the book's details with the field names Istio's details v1
 * uses ({@code ISBN-10}, {@code ISBN-13} included), so any Bookinfo productpage can read them.
 */
public final class DetailsService implements HttpHandler {
  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (Reply.rejectUnlessRead(exchange)) {
      return;
    }
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/health")) {
      Reply.json(exchange, 200, Map.of("status", "Details is healthy"));
    } else if (path.startsWith("/details/")) {
      Optional<ProductId> id = ProductId.fromPath(path, "/details/");
      if (id.isEmpty()) {
        Reply.jsonError(exchange, 400, "product id must be a non-negative integer: " + path);
        return;
      }
      Reply.json(exchange, 200, book(id.get()));
    } else {
      Reply.notFound(exchange);
    }
  }

  /** The one book Bookinfo sells, under whatever id is asked for. */
  static Map<String, Object> book(ProductId id) {
    Map<String, Object> book = new LinkedHashMap<>();
    book.put("id", id.value());
    book.put("author", "William Shakespeare");
    book.put("year", 1595);
    book.put("type", "paperback");
    book.put("pages", 200);
    book.put("publisher", "PublisherA");
    book.put("language", "English");
    book.put("ISBN-10", "1234567890");
    book.put("ISBN-13", "123-1234567890");
    return book;
  }
}
