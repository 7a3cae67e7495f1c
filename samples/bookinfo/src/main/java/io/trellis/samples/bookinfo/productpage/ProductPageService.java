package io.trellis.samples.bookinfo.productpage;

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
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The product page and its API: {@code /}, {@code /productpage}, {@code /login},
 * {@code /logout}, {@code /api/v1/products[/{id}[/reviews|/ratings]]}, {@code /health} and the
 * page's stylesheet under {@code /static}.
 *
 * <p>Backend calls follow Istio's productpage, failure modes included: each call has a
 * {@value #TIMEOUT_SECONDS} s timeout and reviews gets {@value #REVIEWS_ATTEMPTS} attempts, so
 * a hung reviews costs the page about six seconds before it shows the "unavailable" message.
 * That the app retries on its own, beneath whatever the mesh retries, is one of the lessons of
 * Istio's fault-injection task, so it is kept.
 */
public final class ProductPageService implements HttpHandler {
  /** Istio's productpage timeout for each call to details, reviews and ratings. */
  public static final int TIMEOUT_SECONDS = 3;

  /** Calls to reviews are made this many times before the page gives up on them. */
  public static final int REVIEWS_ATTEMPTS = 2;

  /** Login forms are tiny; anything larger is not one. */
  private static final int MAX_FORM_BYTES = 16 * 1024;

  private static final String API_PREFIX = "/api/v1/products";
  private static final String RATINGS_UNAVAILABLE =
      "Sorry, product ratings are currently unavailable for this book.";

  private final URI details;
  private final URI reviews;
  private final URI ratings;
  private final BackendClient client;
  private final Duration timeout;
  private final String stylesheet;

  /** A product page calling the services at the given base URIs. */
  public ProductPageService(URI details, URI reviews, URI ratings, BackendClient client) {
    this.details = details;
    this.reviews = reviews;
    this.ratings = ratings;
    this.client = client;
    this.timeout = Duration.ofSeconds(TIMEOUT_SECONDS);
    this.stylesheet = loadStylesheet();
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    if (path.equals("/login")) {
      login(exchange);
      return;
    }
    if (Reply.rejectUnlessRead(exchange)) {
      return;
    }
    switch (path) {
      case "/", "/index.html" -> Reply.html(exchange, 200, ProductPageView.index());
      case "/productpage" -> productPage(exchange);
      case "/logout" -> Reply.redirect(exchange, "/productpage", List.of(SessionCookie.signOut()));
      case "/health" -> Reply.json(exchange, 200, Map.of("status", "Product page is healthy"));
      case "/static/bookinfo.css" -> Reply.send(exchange, 200, "text/css; charset=utf-8", stylesheet);
      default -> {
        if (path.equals(API_PREFIX) || path.startsWith(API_PREFIX + "/")) {
          api(exchange, path.substring(API_PREFIX.length()));
        } else {
          Reply.notFound(exchange);
        }
      }
    }
  }

  private void productPage(HttpExchange exchange) throws IOException {
    Optional<String> user = SessionCookie.user(exchange.getRequestHeaders());
    Map<String, String> headers = outboundHeaders(exchange, user);
    Product product = Product.CATALOG.getFirst();
    ProductId id = new ProductId(product.id());

    Optional<Map<String, Object>> book = jsonObject(fetchDetails(id, headers));
    Optional<ReviewsReply> reviewsReply = jsonObject(fetchReviews(id, headers)).flatMap(json -> {
      try {
        return Optional.of(ReviewsReply.fromJson(json));
      } catch (IllegalArgumentException malformed) {
        return Optional.empty();
      }
    });
    Reply.html(exchange, 200, ProductPageView.productPage(product, user, book, reviewsReply));
  }

  private void api(HttpExchange exchange, String rest) throws IOException {
    if (rest.isEmpty() || rest.equals("/")) {
      Reply.json(exchange, 200, Product.CATALOG.stream().map(Product::toJson).toList());
      return;
    }
    String[] parts = rest.substring(1).split("/", -1);
    Optional<ProductId> id = ProductId.fromPath(parts[0], "");
    if (id.isEmpty() || parts.length > 2) {
      Reply.jsonError(exchange, 400,
          "expected " + API_PREFIX + "/{id}[/reviews|/ratings] with a numeric id, got "
              + API_PREFIX + rest);
      return;
    }
    Map<String, String> headers =
        outboundHeaders(exchange, SessionCookie.user(exchange.getRequestHeaders()));
    String part = parts.length == 2 ? parts[1] : "";
    switch (part) {
      case "" -> passOn(exchange, fetchDetails(id.get(), headers), ProductPageView.DETAILS_UNAVAILABLE);
      case "reviews" ->
          passOn(exchange, fetchReviews(id.get(), headers), ProductPageView.REVIEWS_UNAVAILABLE);
      case "ratings" -> passOn(exchange,
          client.get(ratings.resolve("/ratings/" + id.get()), headers, timeout), RATINGS_UNAVAILABLE);
      default -> Reply.notFound(exchange);
    }
  }

  /** Relays a backend's JSON answer, or the backend's status with Bookinfo's error message. */
  private static void passOn(HttpExchange exchange, BackendResult result, String unavailable)
      throws IOException {
    if (result instanceof BackendResult.Answered answered && answered.status() == 200
        && jsonObject(result).isPresent()) {
      Reply.send(exchange, 200, "application/json", answered.body());
    } else {
      Reply.jsonError(exchange, result.ok() ? 502 : result.statusOr500(), unavailable);
    }
  }

  private void login(HttpExchange exchange) throws IOException {
    if (!exchange.getRequestMethod().equals("POST")) {
      Reply.methodNotAllowed(exchange, "POST");
      return;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_FORM_BYTES + 1);
    }
    if (body.length > MAX_FORM_BYTES) {
      Reply.html(exchange, 413,
          ProductPageView.loginRefused("the sign-in form is over " + MAX_FORM_BYTES + " bytes"));
      return;
    }
    Map<String, String> form;
    try {
      form = formFields(new String(body, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException malformed) {
      Reply.html(exchange, 400, ProductPageView.loginRefused("malformed form: " + malformed.getMessage()));
      return;
    }
    // The password is accepted and ignored, as in Istio's Bookinfo: users only need telling apart.
    String username = form.get("username");
    Optional<String> problem = SessionCookie.problemWith(username);
    if (problem.isPresent()) {
      Reply.html(exchange, 400, ProductPageView.loginRefused(problem.get()));
      return;
    }
    Reply.redirect(exchange, "/productpage", List.of(SessionCookie.signIn(username)));
  }

  /** Decodes an {@code application/x-www-form-urlencoded} body; the first value of a name wins. */
  private static Map<String, String> formFields(String body) {
    Map<String, String> fields = new HashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      fields.putIfAbsent(name, value);
    }
    return fields;
  }

  /** The trace context of the request, plus {@code end-user} for a signed-in user. */
  private static Map<String, String> outboundHeaders(HttpExchange exchange, Optional<String> user) {
    Map<String, String> headers = PropagatedHeaders.tracing(exchange.getRequestHeaders());
    user.ifPresent(name -> headers.put(PropagatedHeaders.END_USER, name));
    return headers;
  }

  private BackendResult fetchDetails(ProductId id, Map<String, String> headers) {
    return client.get(details.resolve("/details/" + id), headers, timeout);
  }

  /** Up to {@link #REVIEWS_ATTEMPTS} tries; anything but a 200 counts as a failure. */
  private BackendResult fetchReviews(ProductId id, Map<String, String> headers) {
    BackendResult result = null;
    for (int attempt = 0; attempt < REVIEWS_ATTEMPTS; attempt++) {
      result = client.get(reviews.resolve("/reviews/" + id), headers, timeout);
      if (result.ok()) {
        break;
      }
    }
    return result;
  }

  private static Optional<Map<String, Object>> jsonObject(BackendResult result) {
    if (!(result instanceof BackendResult.Answered answered) || answered.status() != 200) {
      return Optional.empty();
    }
    try {
      return Optional.of(JsonParser.parseObject(answered.body()));
    } catch (JsonParseException malformed) {
      return Optional.empty();
    }
  }

  private static String loadStylesheet() {
    try (InputStream in = ProductPageService.class.getResourceAsStream("/static/bookinfo.css")) {
      if (in == null) {
        throw new IllegalStateException("static/bookinfo.css is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException unreadable) {
      throw new UncheckedIOException(unreadable);
    }
  }
}
