package io.trellis.control.sim;

import static io.trellis.control.sim.Bookinfo.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.route.v3.RedirectAction;
import io.envoyproxy.envoy.extensions.filters.http.cors.v3.CorsPolicy;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every HTTPMatchRequest field and HTTPRoute action, simulated from productpage's sidecar. */
class HttpRouteSimulationTest {
  private static final String VS = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - name: exact
          match: [{uri: {exact: /exact}}]
          route: [{destination: {host: reviews, subset: v1}}]
        - name: regex
          match: [{uri: {regex: "/items/[0-9]+"}}]
          route: [{destination: {host: reviews, subset: v2}}]
        - name: nocase
          match: [{uri: {prefix: /CaSe}, ignoreUriCase: true}]
          route: [{destination: {host: reviews, subset: v3}}]
        - name: method
          match: [{method: {exact: DELETE}}]
          directResponse: {status: 405, body: {string: "no deleting"}}
        - name: authority
          match: [{authority: {prefix: reviews.default}, uri: {prefix: /auth}}]
          route: [{destination: {host: reviews, subset: v2}}]
        - name: query
          match: [{queryParams: {debug: {exact: "1"}}}]
          route: [{destination: {host: reviews, subset: v3}}]
        - name: without
          match: [{uri: {prefix: /anon}, withoutHeaders: {cookie: {}}}]
          route: [{destination: {host: reviews, subset: v1}}]
        - name: port
          match: [{port: 9999}]
          route: [{destination: {host: details}}]
        - name: redirect
          match: [{uri: {prefix: /old}}]
          redirect: {uri: /new, authority: new.example.com, redirectCode: 302}
        - name: rewrite
          match: [{uri: {prefix: /v1/}}]
          rewrite: {uri: /, authority: reviews-internal}
          route: [{destination: {host: reviews, subset: v1}}]
          headers:
            request: {set: {x-rewritten: "yes"}, remove: [x-debug]}
            response: {add: {x-served-by: mesh}}
        - name: mirror
          match: [{uri: {prefix: /mirror}}]
          route: [{destination: {host: reviews, subset: v1}}]
          mirror: {host: reviews, subset: v3}
          mirrorPercentage: {value: 12.5}
        - name: cors
          match: [{uri: {prefix: /cors}}]
          route: [{destination: {host: reviews, subset: v1}}]
          corsPolicy:
            allowOrigins: [{exact: "https://shop.example.com"}]
            allowMethods: [GET, POST]
            maxAge: 24h
        - name: retries
          match: [{uri: {prefix: /retry}}]
          route: [{destination: {host: reviews, subset: v1}}]
          retries: {attempts: 4, perTryTimeout: 2s, retryOn: "5xx,429"}
        - name: noretry
          match: [{uri: {prefix: /noretry}}]
          route: [{destination: {host: reviews, subset: v1}}]
          retries: {attempts: 0}
        - name: fallback
          route: [{destination: {host: reviews, subset: v3}}]
      """;

  private static Result call(Request r) {
    return new Simulator(Bookinfo.with().yaml(VS).generate(Mesh.productpage())).run(r);
  }

  @ParameterizedTest(name = "{0} {1} → route {2}, subset {3}")
  @CsvSource({
    "GET, /exact, exact, v1",
    "GET, /exact/more, fallback, v3",
    "GET, /items/42, regex, v2",
    "GET, /items/abc, fallback, v3",
    "GET, /case/x, nocase, v3",
    "GET, /auth, authority, v2",
    "GET, /page?debug=1, query, v3",
    "GET, /page?debug=2, fallback, v3",
    "GET, /anon, without, v1",
  })
  void matchFields(String method, String path, String route, String subset) {
    Result r = call(Request.http("reviews.default:9080", 9080, path).method(method));
    assertThat(r.route().getName()).isEqualTo(route);
    assertThat(r.singleCluster()).isEqualTo(cluster(subset, "reviews"));
  }

  @Test
  void withoutHeadersRejectsRequestsThatHaveTheHeader() {
    Result r = call(Request.http("reviews", 9080, "/anon").header("cookie", "session=1"));
    assertThat(r.route().getName()).isEqualTo("fallback");
  }

  @Test
  void authorityMatchesTheHostAsWritten() {
    assertThat(call(Request.http("reviews", 9080, "/auth")).route().getName()).isEqualTo("fallback");
  }

  @Test
  void portMatchesApplyOnlyToTheirListener() {
    assertThat(call(Request.http("reviews", 9080, "/anything")).route().getName()).isEqualTo("fallback");
  }

  @Test
  void methodMatchWithDirectResponse() {
    Result r = call(Request.http("reviews", 9080, "/x").method("DELETE"));
    assertThat(r.directResponseStatus()).isEqualTo(405);
    assertThat(r.route().getDirectResponse().getBody().getInlineString()).isEqualTo("no deleting");
  }

  @Test
  void redirect() {
    RedirectAction redirect = call(Request.http("reviews", 9080, "/old/page")).route().getRedirect();
    assertThat(redirect.getPathRedirect()).isEqualTo("/new");
    assertThat(redirect.getHostRedirect()).isEqualTo("new.example.com");
    assertThat(redirect.getResponseCode()).isEqualTo(RedirectAction.RedirectResponseCode.FOUND);
  }

  @Test
  void rewriteAndHeaderOperations() {
    var route = call(Request.http("reviews", 9080, "/v1/list")).route();
    assertThat(route.getRoute().getPrefixRewrite()).isEqualTo("/");
    assertThat(route.getRoute().getHostRewriteLiteral()).isEqualTo("reviews-internal");
    assertThat(route.getRequestHeadersToAdd(0).getHeader().getKey()).isEqualTo("x-rewritten");
    assertThat(route.getRequestHeadersToAdd(0).getAppendAction())
        .isEqualTo(io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD);
    assertThat(route.getRequestHeadersToRemoveList()).containsExactly("x-debug");
    assertThat(route.getResponseHeadersToAdd(0).getAppendAction())
        .isEqualTo(io.envoyproxy.envoy.config.core.v3.HeaderValueOption.HeaderAppendAction.APPEND_IF_EXISTS_OR_ADD);
  }

  @Test
  void mirrorWithPercentage() {
    var mirror = call(Request.http("reviews", 9080, "/mirror")).route().getRoute().getRequestMirrorPolicies(0);
    assertThat(mirror.getCluster()).isEqualTo(cluster("v3", "reviews"));
    assertThat(mirror.getRuntimeFraction().getDefaultValue().getNumerator()).isEqualTo(125_000);
  }

  @Test
  void corsPolicyIsPerRouteFilterConfig() throws Exception {
    CorsPolicy cors = call(Request.http("reviews", 9080, "/cors")).route().getTypedPerFilterConfigOrThrow("envoy.filters.http.cors").unpack(CorsPolicy.class);
    assertThat(cors.getAllowOriginStringMatch(0).getExact()).isEqualTo("https://shop.example.com");
    assertThat(cors.getAllowMethods()).isEqualTo("GET,POST");
    assertThat(cors.getMaxAge()).isEqualTo("86400");
  }

  @Test
  void explicitRetriesSplitStatusCodesFromConditions() {
    var retry = call(Request.http("reviews", 9080, "/retry")).route().getRoute().getRetryPolicy();
    assertThat(retry.getNumRetries().getValue()).isEqualTo(4);
    assertThat(retry.getRetryOn()).isEqualTo("5xx,retriable-status-codes");
    assertThat(retry.getRetriableStatusCodesList()).containsExactly(429);
    assertThat(retry.getPerTryTimeout().getSeconds()).isEqualTo(2);
  }

  @Test
  void zeroAttemptsMeansNoRetryPolicy() {
    assertThat(call(Request.http("reviews", 9080, "/noretry")).route().getRoute().hasRetryPolicy()).isFalse();
  }

  @Test
  void sourceNamespaceMatchesOnlyProxiesInThatNamespace() {
    String vs = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: ratings, namespace: default}
        spec:
          hosts: [ratings.default.svc.cluster.local]
          http:
          - match: [{sourceNamespace: team}]
            route: [{destination: {host: ratings.default.svc.cluster.local, subset: v1}}]
          - route: [{destination: {host: ratings.default.svc.cluster.local}}]
        """;
    Mesh mesh = Bookinfo.with().yaml(vs);
    assertThat(new Simulator(mesh.generate(Mesh.sidecar("team", Map.of("app", "t")))).run(Request.http("ratings.default", 9080, "/")).singleCluster())
        .isEqualTo(cluster("v1", "ratings"));
    assertThat(new Simulator(mesh.generate(Mesh.productpage())).run(Request.http("ratings", 9080, "/")).singleCluster())
        .isEqualTo(cluster("", "ratings"));
  }

  @Test
  void delegatedRulesAreNarrowedByTheRootMatch() {
    String vs = """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: root, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {prefix: /api}}]
            delegate: {name: reviews-api, namespace: team}
          - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v1}}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews-api, namespace: team}
        spec:
          http:
          - match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: reviews.default.svc.cluster.local, subset: v2}}]
          - route: [{destination: {host: reviews.default.svc.cluster.local, subset: v3}}]
        """;
    Simulator sim = new Simulator(Bookinfo.with().yaml(vs).generate(Mesh.productpage()));
    assertThat(sim.run(Request.http("reviews", 9080, "/api/x").header("end-user", "jason")).singleCluster()).isEqualTo(cluster("v2", "reviews"));
    assertThat(sim.run(Request.http("reviews", 9080, "/api/x")).singleCluster()).isEqualTo(cluster("v3", "reviews"));
    assertThat(sim.run(Request.http("reviews", 9080, "/other").header("end-user", "jason")).singleCluster()).isEqualTo(cluster("v1", "reviews"));
  }
}
