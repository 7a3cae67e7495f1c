package io.trellis.proxy.http.filter.cors;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.proxy.config.listener.HttpConnectionManagerConfig;
import io.trellis.proxy.config.listener.HttpFilterConfig;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.HeaderMutations;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.StringMatcher;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.http.testing.Curl;
import io.trellis.proxy.http.testing.LeakCheck;
import io.trellis.proxy.http.testing.ProxyFixture;
import io.trellis.proxy.http.testing.TestBackend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The CORS filter in a real listener, driven by curl as a browser would send CORS requests. */
@ExtendWith(LeakCheck.class)
class CorsFilterTest {
  private static final String CORS = "envoy.filters.http.cors";

  private static CorsPolicy policy(boolean forwardNotMatchingPreflights) {
    return new CorsPolicy(
        List.of(new StringMatcher(StringMatcher.Kind.EXACT, "http://foo.example", false)),
        "POST,GET,OPTIONS", "content-type", "x-custom-header", "300", true, false, forwardNotMatchingPreflights, true);
  }

  /** Route /api carries {@code policy}; route / carries none. */
  private static int proxy(ProxyFixture f, CorsPolicy policy) {
    Route api = new Route("api", RouteMatch.prefix("/api"), ForwardAction.to("a"), HeaderMutations.NONE, Map.of(CORS, policy));
    Route rest = new Route("rest", RouteMatch.prefix("/"), ForwardAction.to("a"));
    RouteConfig routes = new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"), List.of(api, rest))));
    HttpConnectionManagerConfig hcm = HttpConnectionManagerConfig.builder("ingress").routeConfig(routes)
        .httpFilters(List.of(new HttpFilterConfig(CORS, CorsFilterProvider.TYPE_URL, null, false), HttpFilterConfig.router()))
        .build();
    return f.http(hcm);
  }

  private static Curl.Response preflight(int port, String origin) {
    return Curl.run("-X", "OPTIONS", "-H", "origin: " + origin, "-H", "access-control-request-method: POST",
        "http://127.0.0.1:" + port + "/api/orders");
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredHereWithThePolicy() {
    try (ProxyFixture f = new ProxyFixture()) {
      TestBackend a = f.backend("a");
      Curl.Response r = preflight(proxy(f, policy(true)), "http://foo.example");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("access-control-allow-origin")).isEqualTo("http://foo.example");
      assertThat(r.header("access-control-allow-methods")).isEqualTo("POST,GET,OPTIONS");
      assertThat(r.header("access-control-allow-headers")).isEqualTo("content-type");
      assertThat(r.header("access-control-max-age")).isEqualTo("300");
      assertThat(r.header("access-control-allow-credentials")).isEqualTo("true");
      assertThat(a.requests.get()).isZero();
      assertThat(f.counter("http.ingress.cors.origin_valid")).isEqualTo(1);
    }
  }

  @Test
  void aPreflightFromAnotherOriginIsForwardedOrAnsweredBareAsConfigured() {
    try (ProxyFixture f = new ProxyFixture()) {
      TestBackend a = f.backend("a");
      Curl.Response forwarded = preflight(proxy(f, policy(true)), "http://evil.example");
      assertThat(forwarded.header("access-control-allow-origin")).isNull();
      assertThat(a.requests.get()).isEqualTo(1);
      assertThat(f.counter("http.ingress.cors.origin_invalid")).isEqualTo(1);
    }
    try (ProxyFixture f = new ProxyFixture()) {
      TestBackend a = f.backend("a");
      Curl.Response answered = preflight(proxy(f, policy(false)), "http://evil.example");
      assertThat(answered.status()).isEqualTo(200);
      assertThat(answered.header("access-control-allow-origin")).isNull();
      assertThat(a.requests.get()).isZero();
    }
  }

  @Test
  void anActualRequestFromAnAllowedOriginGetsAllowOriginAndExposeHeaders() {
    try (ProxyFixture f = new ProxyFixture()) {
      TestBackend a = f.backend("a");
      int port = proxy(f, policy(true));
      Curl.Response allowed = Curl.run("-H", "origin: http://foo.example", "http://127.0.0.1:" + port + "/api/orders");
      assertThat(allowed.status()).isEqualTo(200);
      assertThat(allowed.header("access-control-allow-origin")).isEqualTo("http://foo.example");
      assertThat(allowed.header("access-control-expose-headers")).isEqualTo("x-custom-header");
      assertThat(allowed.header("access-control-allow-methods")).isNull();

      Curl.Response other = Curl.run("-H", "origin: http://evil.example", "http://127.0.0.1:" + port + "/api/orders");
      assertThat(other.status()).isEqualTo(200);
      assertThat(other.header("access-control-allow-origin")).isNull();

      Curl.Response noPolicy = Curl.run("-H", "origin: http://foo.example", "http://127.0.0.1:" + port + "/other");
      assertThat(noPolicy.header("access-control-allow-origin")).isNull();
      assertThat(a.requests.get()).isEqualTo(3);
    }
  }

  @Test
  void aWildcardOriginAllowsEveryOriginAndADisabledPolicyNone() {
    try (ProxyFixture f = new ProxyFixture()) {
      f.backend("a");
      CorsPolicy any = new CorsPolicy(List.of(new StringMatcher(StringMatcher.Kind.EXACT, "*", false)),
          "GET", "", "", "", false, false, true, true);
      int port = proxy(f, any);
      Curl.Response r = Curl.run("-H", "origin: https://anyone.example", "http://127.0.0.1:" + port + "/api/x");
      assertThat(r.header("access-control-allow-origin")).isEqualTo("https://anyone.example");
      assertThat(r.header("access-control-allow-credentials")).isNull();
    }
    try (ProxyFixture f = new ProxyFixture()) {
      f.backend("a");
      CorsPolicy disabled = new CorsPolicy(List.of(new StringMatcher(StringMatcher.Kind.EXACT, "*", false)),
          "GET", "", "", "", false, false, true, false);
      int port = proxy(f, disabled);
      assertThat(Curl.run("-H", "origin: https://anyone.example", "http://127.0.0.1:" + port + "/api/x")
          .header("access-control-allow-origin")).isNull();
    }
  }
}
