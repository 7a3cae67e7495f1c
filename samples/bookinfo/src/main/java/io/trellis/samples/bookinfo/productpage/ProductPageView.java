package io.trellis.samples.bookinfo.productpage;

import static io.trellis.samples.bookinfo.productpage.HtmlText.escape;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Renders the product page and the index. Every string that came from a user or from another
 * service passes through {@link HtmlText#escape}; only this class's own markup does not.
 *
 * <p>Stars are {@code ★} characters in a span whose inline style carries the color reviews
 * chose, so a person and a test can both tell v2 (black) from v3 (red); v1 sends no rating and
 * gets no stars.
 */
final class ProductPageView {
  /** Shown in place of details when the details service failed. */
  static final String DETAILS_ERROR_TITLE = "Error fetching product details!";
  static final String DETAILS_UNAVAILABLE =
      "Sorry, product details are currently unavailable for this book.";
  /** Shown in place of reviews when the reviews service failed or timed out. */
  static final String REVIEWS_ERROR_TITLE = "Error fetching product reviews!";
  static final String REVIEWS_UNAVAILABLE =
      "Sorry, product reviews are currently unavailable for this book.";

  /** The detail fields shown, in order, with their labels. */
  private static final List<Map.Entry<String, String>> DETAIL_FIELDS = List.of(
      Map.entry("author", "Author"),
      Map.entry("year", "Year"),
      Map.entry("type", "Type"),
      Map.entry("pages", "Pages"),
      Map.entry("publisher", "Publisher"),
      Map.entry("language", "Language"),
      Map.entry("ISBN-10", "ISBN-10"),
      Map.entry("ISBN-13", "ISBN-13"));

  /** A color name or hex value: anything else from reviews is not put into a style attribute. */
  private static final Pattern SAFE_COLOR = Pattern.compile("[a-zA-Z]{1,20}|#[0-9a-fA-F]{3,8}");

  private static final int MAX_STARS = 5;

  private ProductPageView() {}

  /**
   * The product page.
   *
   * @param details the details service's JSON object, or empty if it failed
   * @param reviews the reviews service's reply, or empty if it failed
   */
  static String productPage(Product product, Optional<String> user,
      Optional<Map<String, Object>> details, Optional<ReviewsReply> reviews) {
    StringBuilder html = new StringBuilder(4096);
    head(html, "Simple Bookstore App");
    navigation(html, user);
    html.append("<main>\n<h1>").append(escape(product.title())).append("</h1>\n");
    html.append("<p class=\"summary\">").append(product.descriptionHtml()).append("</p>\n");
    html.append("<div class=\"columns\">\n");
    detailsSection(html, details);
    reviewsSection(html, reviews);
    html.append("</div>\n</main>\n</body>\n</html>\n");
    return html.toString();
  }

  /** The landing page, pointing at the product page and the API. */
  static String index() {
    StringBuilder html = new StringBuilder(1024);
    head(html, "Bookinfo");
    html.append("""
        <main>
        <h1>Bookinfo</h1>
        <p>A small book store in four services — productpage, details, reviews and ratings —
        for trying out a service mesh.</p>
        <p><a href="/productpage?u=normal">Product page as a visitor</a> ·
        <a href="/productpage?u=test">Product page as a test user</a></p>
        <h2>API</h2>
        <table>
        <tr><td><code>GET /api/v1/products</code></td><td>the books for sale</td></tr>
        <tr><td><code>GET /api/v1/products/{id}</code></td><td>a book's details</td></tr>
        <tr><td><code>GET /api/v1/products/{id}/reviews</code></td><td>a book's reviews</td></tr>
        <tr><td><code>GET /api/v1/products/{id}/ratings</code></td><td>a book's ratings</td></tr>
        </table>
        </main>
        </body>
        </html>
        """);
    return html.toString();
  }

  /** A short page explaining a refused sign-in. */
  static String loginRefused(String problem) {
    StringBuilder html = new StringBuilder(512);
    head(html, "Sign in refused");
    html.append("<main>\n<h1>Sign in refused</h1>\n<p>").append(escape(problem))
        .append("</p>\n<p><a href=\"/productpage\">Back to the product page</a></p>\n</main>\n")
        .append("</body>\n</html>\n");
    return html.toString();
  }

  private static void head(StringBuilder html, String title) {
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<title>").append(escape(title)).append("</title>\n")
        .append("<link rel=\"stylesheet\" href=\"/static/bookinfo.css\">\n")
        .append("</head>\n<body>\n");
  }

  private static void navigation(StringBuilder html, Optional<String> user) {
    html.append("<nav>\n<a class=\"brand\" href=\"/\">BookInfo Sample</a>\n");
    if (user.isPresent()) {
      html.append("<span class=\"user\">Signed in as <b>").append(escape(user.get()))
          .append("</b> · <a href=\"/logout\">sign out</a></span>\n");
    } else {
      html.append("""
          <form class="login" method="post" action="/login">
          <input type="text" name="username" placeholder="User name" required>
          <input type="password" name="passwd" placeholder="Password">
          <button type="submit">Sign in</button>
          </form>
          """);
    }
    html.append("</nav>\n");
  }

  private static void detailsSection(StringBuilder html, Optional<Map<String, Object>> details) {
    html.append("<section id=\"details\">\n<h2>Book Details</h2>\n");
    if (details.isEmpty()) {
      html.append("<h4>").append(DETAILS_ERROR_TITLE).append("</h4>\n<p>")
          .append(DETAILS_UNAVAILABLE).append("</p>\n</section>\n");
      return;
    }
    html.append("<dl>\n");
    for (Map.Entry<String, String> field : DETAIL_FIELDS) {
      Object value = details.get().get(field.getKey());
      if (value != null) {
        html.append("<dt>").append(field.getValue()).append("</dt><dd>")
            .append(escape(String.valueOf(value))).append("</dd>\n");
      }
    }
    html.append("</dl>\n</section>\n");
  }

  private static void reviewsSection(StringBuilder html, Optional<ReviewsReply> reply) {
    html.append("<section id=\"reviews\">\n<h2>Book Reviews</h2>\n");
    if (reply.isEmpty()) {
      html.append("<h4>").append(REVIEWS_ERROR_TITLE).append("</h4>\n<p>")
          .append(REVIEWS_UNAVAILABLE).append("</p>\n</section>\n");
      return;
    }
    for (ReviewsReply.Entry review : reply.get().reviews()) {
      html.append("<blockquote>\n<p>").append(escape(review.text())).append("</p>\n<footer>")
          .append(escape(review.reviewer())).append("</footer>\n");
      review.rating().ifPresent(rating -> rating(html, rating));
      html.append("</blockquote>\n");
    }
    html.append("<p class=\"served-by\">Reviews served by: ")
        .append(escape(reply.get().podName()));
    reply.get().clusterName().ifPresent(
        cluster -> html.append(" on cluster ").append(escape(cluster)));
    html.append("</p>\n</section>\n");
  }

  private static void rating(StringBuilder html, ReviewsReply.Rating rating) {
    if (rating.stars().isPresent()) {
      int stars = rating.stars().getAsInt();
      html.append("<span class=\"stars\"");
      rating.color().filter(c -> SAFE_COLOR.matcher(c).matches())
          .ifPresent(color -> html.append(" style=\"color: ").append(escape(color)).append('"'));
      html.append(" title=\"").append(stars).append(" of ").append(MAX_STARS).append(" stars\">")
          .append("★".repeat(stars)).append("☆".repeat(MAX_STARS - stars)).append("</span>\n");
    } else if (rating.error().isPresent()) {
      html.append("<p class=\"rating-error\"><i>").append(escape(rating.error().get()))
          .append("</i></p>\n");
    }
  }
}
