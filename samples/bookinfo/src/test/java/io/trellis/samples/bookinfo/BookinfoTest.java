package io.trellis.samples.bookinfo;

import static io.trellis.samples.bookinfo.RunningServices.pointAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.samples.bookinfo.json.JsonParser;
import io.trellis.samples.bookinfo.web.ServiceHost;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The four services started in this JVM on real sockets, called over HTTP as a browser and as
 * the mesh would call them.
 */
@Timeout(30)
class BookinfoTest {
  private final HttpClient browser = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .proxy(HttpClient.Builder.NO_PROXY)
      .followRedirects(HttpClient.Redirect.NEVER)
      .build();
  private RunningServices services;
  private ServiceHost details;
  private ServiceHost ratings;

  @BeforeEach
  void startLeafServices() throws IOException {
    services = new RunningServices();
    details = services.start("details", Map.of("POD_NAME", "details-v1-test"));
    ratings = services.start("ratings", Map.of("POD_NAME", "ratings-v1-test"));
  }

  @AfterEach
  void stopServices() throws Exception {
    services.close();
    browser.close();
  }

  private ServiceHost reviews(String version) throws IOException {
    return reviews(version, pointAt("ratings", ratings));
  }

  private ServiceHost reviews(String version, Map<String, String> env) throws IOException {
    Map<String, String> all = new HashMap<>(env);
    all.put("POD_NAME", "reviews-" + version + "-test");
    return services.start("reviews --version " + version, all);
  }

  private ServiceHost productPage(int reviewsPort) throws IOException {
    return productPage(reviewsPort, details.port(), Map.of());
  }

  private ServiceHost productPage(int reviewsPort, int detailsPort, Map<String, String> extra)
      throws IOException {
    Map<String, String> env = new HashMap<>();
    env.putAll(pointAt("details", detailsPort));
    env.putAll(pointAt("reviews", reviewsPort));
    env.putAll(pointAt("ratings", ratings));
    env.putAll(extra);
    return services.start("productpage", env);
  }

  private HttpResponse<String> get(ServiceHost host, String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(host, path)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return browser.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> login(ServiceHost productPage, String username)
      throws IOException, InterruptedException {
    String form = "username=" + URLEncoder.encode(username, StandardCharsets.UTF_8) + "&passwd=secret";
    return browser.send(HttpRequest.newBuilder(uri(productPage, "/login"))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The {@code name=value} part of the response's session cookie. */
  private static String sessionCookie(HttpResponse<?> response) {
    String setCookie = response.headers().firstValue("set-cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static URI uri(ServiceHost host, String path) {
    return URI.create("http://127.0.0.1:" + host.port() + path);
  }

  @Test
  void pageShowsDetailsAndV1ReviewsWithoutStars() throws Exception {
    ServiceHost page = productPage(reviews("v1").port());

    HttpResponse<String> response = get(page, "/productpage");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
    assertThat(response.body())
        .contains("The Comedy of Errors", "<dd>William Shakespeare</dd>", "<dd>123-1234567890</dd>")
        .contains("Reviewer1", "Reviewer2")
        .contains("Reviews served by: reviews-v1-test")
        .doesNotContain("★", "☆", "Ratings service is currently unavailable");
  }

  @Test
  void v2ShowsBlackStarsAndV3RedStars() throws Exception {
    ServiceHost v2Page = productPage(reviews("v2").port());
    ServiceHost v3Page = productPage(reviews("v3").port());

    String v2 = get(v2Page, "/productpage").body();
    String v3 = get(v3Page, "/productpage").body();

    assertThat(v2).contains("<span class=\"stars\" style=\"color: black\" title=\"5 of 5 stars\">★★★★★</span>")
        .contains("style=\"color: black\" title=\"4 of 5 stars\">★★★★☆</span>")
        .contains("Reviews served by: reviews-v2-test")
        .doesNotContain("color: red");
    assertThat(v3).contains("<span class=\"stars\" style=\"color: red\" title=\"5 of 5 stars\">★★★★★</span>")
        .contains("Reviews served by: reviews-v3-test")
        .doesNotContain("color: black");
  }

  @Test
  void reviewsApiNamesThePodAndCarriesRatings() throws Exception {
    ServiceHost page = productPage(reviews("v2").port());

    HttpResponse<String> response = get(page, "/api/v1/products/0/reviews");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    Map<String, Object> json = JsonParser.parseObject(response.body());
    assertThat(json).containsEntry("id", "0").containsEntry("podname", "reviews-v2-test")
        .containsEntry("clustername", null);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> reviews = (List<Map<String, Object>>) json.get("reviews");
    assertThat(reviews).hasSize(2);
    assertThat(reviews.getFirst()).containsEntry("reviewer", "Reviewer1")
        .containsEntry("rating", Map.of("stars", 5L, "color", "black"));
  }

  @Test
  void v1ReviewsHaveNoRatingAndNeverCallRatings() throws Exception {
    try (RecordingForwarder ratingsSpy = services.track(RecordingForwarder.inFrontOf(ratings.port()))) {
      ServiceHost v1 = reviews("v1", pointAt("ratings", ratingsSpy.port()));

      Map<String, Object> json = JsonParser.parseObject(get(v1, "/reviews/7").body());

      assertThat(json).containsEntry("id", "7");
      assertThat((List<?>) json.get("reviews")).allSatisfy(
          review -> assertThat(asMap(review)).doesNotContainKey("rating"));
      assertThat(ratingsSpy.requests()).isEmpty();
    }
  }

  @Test
  void productApisRelayDetailsAndRatings() throws Exception {
    ServiceHost page = productPage(reviews("v1").port());

    List<?> products = (List<?>) JsonParser.parse(get(page, "/api/v1/products").body());
    Map<String, Object> book = JsonParser.parseObject(get(page, "/api/v1/products/3").body());
    Map<String, Object> stars = JsonParser.parseObject(get(page, "/api/v1/products/3/ratings").body());

    assertThat(products).singleElement().satisfies(product ->
        assertThat(asMap(product)).containsEntry("id", 0L).containsEntry("title", "The Comedy of Errors"));
    assertThat(book).containsEntry("id", 3L).containsEntry("author", "William Shakespeare")
        .containsEntry("year", 1595L).containsEntry("ISBN-10", "1234567890");
    assertThat(stars).containsEntry("id", 3L)
        .containsEntry("ratings", Map.of("Reviewer1", 5L, "Reviewer2", 4L));
  }

  @Test
  void signingInAsJasonSendsEndUserToReviews() throws Exception {
    try (RecordingForwarder reviewsSpy = services.track(RecordingForwarder.inFrontOf(reviews("v2").port()))) {
      ServiceHost page = productPage(reviewsSpy.port());

      get(page, "/productpage");
      HttpResponse<String> signedIn = login(page, "jason");
      String cookie = sessionCookie(signedIn);
      HttpResponse<String> asJason = get(page, "/productpage", "Cookie", cookie);

      assertThat(signedIn.statusCode()).isEqualTo(302);
      assertThat(signedIn.headers().firstValue("location")).hasValue("/productpage");
      assertThat(cookie).isEqualTo("session=jason");
      assertThat(asJason.body()).contains("Signed in as <b>jason</b>", "★★★★★");
      List<RecordingForwarder.Recorded> calls = reviewsSpy.requests();
      assertThat(calls).hasSize(2);
      assertThat(calls.get(0).header("end-user")).isNull();
      assertThat(calls.get(1).header("end-user")).isEqualTo("jason");
      assertThat(calls.get(1).target()).hasToString("/reviews/0");
    }
  }

  @Test
  void signingOutClearsTheSession() throws Exception {
    ServiceHost page = productPage(reviews("v1").port());

    HttpResponse<String> signedOut = get(page, "/logout", "Cookie", "session=jason");

    assertThat(signedOut.statusCode()).isEqualTo(302);
    assertThat(signedOut.headers().firstValue("location")).hasValue("/productpage");
    assertThat(signedOut.headers().firstValue("set-cookie")).hasValueSatisfying(
        cookie -> assertThat(cookie).startsWith("session=;").contains("Max-Age=0"));
  }

  @Test
  void usernameIsEscapedInThePage() throws Exception {
    ServiceHost page = productPage(reviews("v1").port());
    String hostile = "<script>alert('x')</script>&\"";

    String cookie = sessionCookie(login(page, hostile));
    String html = get(page, "/productpage", "Cookie", cookie).body();

    assertThat(html).contains("Signed in as <b>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;</b>")
        .doesNotContain("<script>");
  }

  @Test
  void loginRefusesUnusableNamesAndWrongMethods() throws Exception {
    ServiceHost page = productPage(reviews("v1").port());

    HttpResponse<String> empty = login(page, "");
    HttpResponse<String> controlCharacter = login(page, "jason\r\nX-Injected: 1");
    HttpResponse<String> viaGet = get(page, "/login");

    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(empty.body()).contains("username: empty");
    assertThat(controlCharacter.statusCode()).isEqualTo(400);
    assertThat(controlCharacter.body()).contains("character 6 is U+000D");
    assertThat(controlCharacter.headers().firstValue("set-cookie")).isEmpty();
    assertThat(viaGet.statusCode()).isEqualTo(405);
    assertThat(viaGet.headers().firstValue("allow")).hasValue("POST");
  }

  @Test
  void traceContextIsPropagatedButCookiesAreNot() throws Exception {
    try (RecordingForwarder reviewsSpy = services.track(RecordingForwarder.inFrontOf(reviews("v1").port()))) {
      ServiceHost page = productPage(reviewsSpy.port());

      get(page, "/productpage",
          "x-request-id", "req-42",
          "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
          "x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7",
          "user-agent", "bookinfo-test",
          "Cookie", "session=jason; other=1",
          "Authorization", "Bearer secret");

      RecordingForwarder.Recorded call = reviewsSpy.requests().getFirst();
      assertThat(call.headers()).containsEntry("x-request-id", List.of("req-42"))
          .containsEntry("traceparent", List.of("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
          .containsEntry("x-b3-traceid", List.of("80f198ee56343ba864fe8b2a57d3eff7"))
          .containsEntry("user-agent", List.of("bookinfo-test"))
          .containsEntry("end-user", List.of("jason"))
          .doesNotContainKeys("cookie", "authorization");
    }
  }

  @Test
  void reviewsForwardsEndUserAndTraceContextToRatings() throws Exception {
    try (RecordingForwarder ratingsSpy = services.track(RecordingForwarder.inFrontOf(ratings.port()))) {
      ServiceHost v3 = reviews("v3", pointAt("ratings", ratingsSpy.port()));

      get(v3, "/reviews/0", "end-user", "jason", "x-request-id", "req-7", "Cookie", "a=b");

      RecordingForwarder.Recorded call = ratingsSpy.requests().getFirst();
      assertThat(call.target()).hasToString("/ratings/0");
      assertThat(call.header("end-user")).isEqualTo("jason");
      assertThat(call.header("x-request-id")).isEqualTo("req-7");
      assertThat(call.headers()).doesNotContainKey("cookie");
    }
  }

  @Test
  void ratingsDownShowsRatingsUnavailableInV2() throws Exception {
    ServiceHost v2 = reviews("v2", pointAt("ratings", closedPort()));
    ServiceHost page = productPage(v2.port());

    String html = get(page, "/productpage").body();

    assertThat(html).contains("<p class=\"rating-error\"><i>Ratings service is currently unavailable</i></p>")
        .contains("Reviews served by: reviews-v2-test")
        .doesNotContain("★");
    Map<String, Object> json = JsonParser.parseObject(get(v2, "/reviews/0").body());
    assertThat((List<?>) json.get("reviews")).allSatisfy(review -> assertThat(asMap(review))
        .containsEntry("rating", Map.of("error", "Ratings service is currently unavailable")));
  }

  @Test
  void detailsDownShowsTheDetailsError() throws Exception {
    ServiceHost page = productPage(reviews("v1").port(), closedPort(), Map.of());

    HttpResponse<String> html = get(page, "/productpage");
    HttpResponse<String> api = get(page, "/api/v1/products/0");

    assertThat(html.statusCode()).isEqualTo(200);
    assertThat(html.body()).contains("Error fetching product details!",
            "Sorry, product details are currently unavailable for this book.")
        .contains("Reviews served by: reviews-v1-test");
    assertThat(api.statusCode()).isEqualTo(500);
    assertThat(JsonParser.parseObject(api.body()))
        .containsEntry("error", "Sorry, product details are currently unavailable for this book.");
  }

  @Test
  void hungReviewsCostsTwoThreeSecondAttemptsThenTheUnavailableMessage() throws Exception {
    try (HangingServer hung = services.track(new HangingServer())) {
      ServiceHost page = productPage(hung.port());

      long started = System.nanoTime();
      HttpResponse<String> response = get(page, "/productpage");
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("Error fetching product reviews!",
              "Sorry, product reviews are currently unavailable for this book.")
          .contains("<dd>William Shakespeare</dd>");
      assertThat(hung.requests()).isEqualTo(2);
      // two attempts of three seconds each, with room for a slow machine but not a third attempt
      assertThat(took).isBetween(Duration.ofMillis(5900), Duration.ofMillis(8900));
    }
  }

  @Test
  void v3GivesUpOnRatingsAfterTwoAndAHalfSecondsAsIstiosDoes() throws Exception {
    try (HangingServer hungRatings = services.track(new HangingServer())) {
      ServiceHost v3 = reviews("v3", pointAt("ratings", hungRatings.port()));

      long started = System.nanoTime();
      HttpResponse<String> response = get(v3, "/reviews/0");
      Duration took = Duration.ofNanos(System.nanoTime() - started);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"error\":\"Ratings service is currently unavailable\"");
      assertThat(hungRatings.requests()).isEqualTo(1);
      assertThat(took).isBetween(Duration.ofMillis(2400), Duration.ofMillis(5000));
    }
  }

  @Test
  void outboundCallsGoThroughHttpProxyInAbsoluteForm() throws Exception {
    // The names below resolve nowhere: only a proxy that routes by name can reach them,
    // which is how the local mesh's sidecar serves an app that has HTTP_PROXY set.
    Map<String, Integer> byHost = new HashMap<>();
    try (RecordingForwarder sidecar = services.track(new RecordingForwarder(target -> {
      Integer port = byHost.get(target.getHost());
      return port == null ? null : URI.create("http://127.0.0.1:" + port + target.getRawPath());
    }))) {
      Map<String, String> meshEnv = Map.of(
          "HTTP_PROXY", "http://127.0.0.1:" + sidecar.port(),
          "SERVICES_DOMAIN", "default.svc.cluster.invalid");
      ServiceHost v2 = reviews("v2", meshEnv);
      ServiceHost page = services.start("productpage", meshEnv);
      byHost.put("details.default.svc.cluster.invalid", details.port());
      byHost.put("reviews.default.svc.cluster.invalid", v2.port());
      byHost.put("ratings.default.svc.cluster.invalid", ratings.port());

      String html = get(page, "/productpage").body();

      assertThat(html).contains("<dd>William Shakespeare</dd>", "style=\"color: black\"",
          "Reviews served by: reviews-v2-test");
      assertThat(sidecar.requests()).extracting(call -> call.target().toString())
          .containsExactlyInAnyOrder(
              "http://details.default.svc.cluster.invalid:9080/details/0",
              "http://reviews.default.svc.cluster.invalid:9080/reviews/0",
              "http://ratings.default.svc.cluster.invalid:9080/ratings/0");
    }
  }

  @Test
  void noProxyHostsAreCalledDirectly() throws Exception {
    try (RecordingForwarder proxy = services.track(new RecordingForwarder(target -> null))) {
      Map<String, String> env = new HashMap<>();
      env.put("http_proxy", "127.0.0.1:" + proxy.port());
      env.put("no_proxy", "localhost,127.0.0.0/8");
      ServiceHost page = productPage(reviews("v3").port(), details.port(), env);

      String html = get(page, "/productpage").body();

      assertThat(html).contains("<dd>William Shakespeare</dd>", "style=\"color: red\"");
      assertThat(proxy.requests()).isEmpty();
    }
  }

  @Test
  void everyServiceAnswersHealthAndRejectsBadPaths() throws Exception {
    ServiceHost v1 = reviews("v1");
    ServiceHost page = productPage(v1.port());

    for (ServiceHost host : List.of(details, ratings, v1, page)) {
      HttpResponse<String> health = get(host, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(JsonParser.parseObject(health.body()).get("status")).asString().endsWith("is healthy");
      assertThat(get(host, "/no/such/thing").statusCode()).isEqualTo(404);
    }
    assertThat(get(details, "/details/abc").statusCode()).isEqualTo(400);
    assertThat(get(ratings, "/ratings/-1").statusCode()).isEqualTo(400);
    assertThat(get(v1, "/reviews/").statusCode()).isEqualTo(400);
    assertThat(get(page, "/api/v1/products/x/reviews").statusCode()).isEqualTo(400);
    assertThat(get(page, "/static/bookinfo.css").body()).contains(".stars");
    HttpResponse<String> post = browser.send(HttpRequest.newBuilder(uri(details, "/details/0"))
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
  }

  @Test
  void unusableConfigurationIsRefusedWithTheVariableNamed() {
    assertThatThrownBy(() -> services.start("reviews --version v4", Map.of()))
        .hasMessage("reviews version: 'v4' (expected: v1, v2, v3)");
    assertThatThrownBy(() -> services.start("details --version v2", Map.of()))
        .hasMessageContaining("details has only v1");
    assertThatThrownBy(() -> services.start("reviews", Map.of("RATINGS_SERVICE_PORT", "nine")))
        .hasMessage("RATINGS_SERVICE_PORT: 'nine' (expected: a port number 1..65535)");
    assertThatThrownBy(() -> services.start("productpage", Map.of("HTTP_PROXY", "socks5://127.0.0.1:1080")))
        .hasMessageContaining("HTTP_PROXY: 'socks5://127.0.0.1:1080': only http:// proxies");
    assertThatThrownBy(() -> services.start("ratings", Map.of("POD_IP", "ratings.local")))
        .hasMessage("POD_IP: 'ratings.local' (expected: an IPv4 or IPv6 address)");
  }

  @Test
  void reviewsVersionMayComeFromTheEnvironment() throws Exception {
    ServiceHost v3 = services.start("reviews",
        Map.of("SERVICE_VERSION", "v3", "POD_NAME", "reviews-v3-env", "RATINGS_HOSTNAME", "127.0.0.1",
            "RATINGS_SERVICE_PORT", Integer.toString(ratings.port())));

    String body = get(v3, "/reviews/0").body();

    assertThat(body).contains("\"color\":\"red\"", "\"podname\":\"reviews-v3-env\"");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asMap(Object json) {
    return (Map<String, Object>) json;
  }

  /** A port on 127.0.0.1 that nothing listens on (bound, then released). */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
