package io.trellis.samples.bookinfo.reviews;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.trellis.samples.bookinfo.json.JsonParseException;
import io.trellis.samples.bookinfo.json.JsonParser;
import io.trellis.samples.bookinfo.web.BackendClient;
import io.trellis.samples.bookinfo.web.BackendResult;
import io.trellis.samples.bookinfo.web.ProductId;
import io.trellis.samples.bookinfo.web.PropagatedHeaders;
import io.trellis.samples.bookinfo.web.Reply;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /reviews/{id}}: two reviews of the book, with ratings from the ratings service in
 * v2 and v3, and the pod and cluster that served them.
 *
 * <p>The reply has Istio's shape: {@code {"id": "0", "podname": …, "clustername": …,
 * "reviews": [{"reviewer": …, "text": …, "rating": {"stars": 5, "color": "black"}}, …]}}; when
 * ratings cannot be had, each rating is {@code {"error": "Ratings service is currently
 * unavailable"}} instead. The {@code end-user} header and the trace context are passed on to
 * ratings, which is what lets a rule on ratings single out one user's requests.
 */
public final class ReviewsService implements HttpHandler {
  /** What a rating says when ratings did not answer; productpage shows it verbatim. */
  public static final String RATINGS_UNAVAILABLE = "Ratings service is currently unavailable";

  private static final List<Review> REVIEWS = List.of(
      new Review("Reviewer1",
          "Two pairs of twins, one town and a day of mistaken identities: a breathless farce"
              + " that still gets real laughs."),
      new Review("Reviewer2",
          "Quick and very funny, though it has less to say than the comedies Shakespeare"
              + " wrote later."));

  private record Review(String reviewer, String text) {}

  private final ReviewsVersion version;
  private final URI ratings;
  private final BackendClient client;
  private final String podName;
  private final Optional<String> clusterName;

  /**
   * @param ratings the ratings service's base URI, e.g. {@code http://ratings:9080}
   * @param podName the name replies report as {@code podname}
   * @param clusterName reported as {@code clustername}, {@code null} in JSON when empty
   */
  public ReviewsService(ReviewsVersion version, URI ratings, BackendClient client,
      String podName, Optional<String> clusterName) {
    this.version = version;
    this.ratings = ratings;
    this.client = client;
    this.podName = podName;
    this.clusterName = clusterName;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    if (Reply.rejectUnlessRead(exchange)) {
      return;
    }
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/health")) {
      Reply.json(exchange, 200, Map.of("status", "Reviews is healthy"));
    } else if (path.startsWith("/reviews/")) {
      Optional<ProductId> id = ProductId.fromPath(path, "/reviews/");
      if (id.isEmpty()) {
        Reply.jsonError(exchange, 400, "product id must be a non-negative integer: " + path);
        return;
      }
      Reply.json(exchange, 200, reviews(id.get(), exchange));
    } else {
      Reply.notFound(exchange);
    }
  }

  private Map<String, Object> reviews(ProductId id, HttpExchange exchange) {
    Map<String, Object> stars = version.showsRatings()
        ? fetchRatings(id, PropagatedHeaders.tracingAndEndUser(exchange.getRequestHeaders()))
        : Map.of();
    List<Object> reviews = new ArrayList<>();
    for (Review review : REVIEWS) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("reviewer", review.reviewer());
      entry.put("text", review.text());
      if (version.showsRatings()) {
        entry.put("rating", rating(stars.get(review.reviewer())));
      }
      reviews.add(entry);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id.toString());
    body.put("podname", podName);
    body.put("clustername", clusterName.orElse(null));
    body.put("reviews", reviews);
    return body;
  }

  private Map<String, Object> rating(Object stars) {
    Map<String, Object> rating = new LinkedHashMap<>();
    if (stars instanceof Long count && count >= 0 && count <= 5) {
      rating.put("stars", count);
      rating.put("color", version.starColor().orElseThrow());
    } else {
      rating.put("error", RATINGS_UNAVAILABLE);
    }
    return rating;
  }

  /** The reviewers' stars, or an empty map when ratings failed in any way. */
  private Map<String, Object> fetchRatings(ProductId id, Map<String, String> headers) {
    BackendResult result =
        client.get(ratings.resolve("/ratings/" + id), headers, version.ratingsTimeout());
    if (!(result instanceof BackendResult.Answered answered) || answered.status() != 200) {
      return Map.of();
    }
    try {
      Object byReviewer = JsonParser.parseObject(answered.body()).get("ratings");
      if (byReviewer instanceof Map<?, ?> map) {
        Map<String, Object> stars = new LinkedHashMap<>();
        map.forEach((reviewer, count) -> stars.put(String.valueOf(reviewer), count));
        return stars;
      }
    } catch (JsonParseException malformed) {
      // treated like no answer: the page shows ratings as unavailable
    }
    return Map.of();
  }
}
