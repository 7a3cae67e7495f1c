package io.trellis.samples.bookinfo.ratings;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.trellis.samples.bookinfo.web.ProductId;
import io.trellis.samples.bookinfo.web.Reply;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /ratings/{id}} answers {@code {"id": 0, "ratings": {"Reviewer1": 5, "Reviewer2": 4}}},
 * the same ratings for every book, as Istio's ratings v1 does without a database.
 */
public final class RatingsService implements HttpHandler {
  private static final Map<String, Object> RATINGS = orderedRatings();

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (Reply.rejectUnlessRead(exchange)) {
      return;
    }
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/health")) {
      Reply.json(exchange, 200, Map.of("status", "Ratings is healthy"));
    } else if (path.startsWith("/ratings/")) {
      Optional<ProductId> id = ProductId.fromPath(path, "/ratings/");
      if (id.isEmpty()) {
        Reply.jsonError(exchange, 400, "product id must be a non-negative integer: " + path);
        return;
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("id", id.get().value());
      body.put("ratings", RATINGS);
      Reply.json(exchange, 200, body);
    } else {
      Reply.notFound(exchange);
    }
  }

  private static Map<String, Object> orderedRatings() {
    Map<String, Object> ratings = new LinkedHashMap<>();
    ratings.put("Reviewer1", 5);
    ratings.put("Reviewer2", 4);
    return java.util.Collections.unmodifiableMap(ratings);
  }
}
