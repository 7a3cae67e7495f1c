package io.trellis.proxy.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.trellis.proxy.config.route.ClusterSpecifier;
import io.trellis.proxy.config.route.DirectResponseAction;
import io.trellis.proxy.config.route.ForwardAction;
import io.trellis.proxy.config.route.HashPolicy;
import io.trellis.proxy.config.route.HeaderMatcher;
import io.trellis.proxy.config.route.PathMatch;
import io.trellis.proxy.config.route.QueryParameterMatcher;
import io.trellis.proxy.config.route.RegexRewrite;
import io.trellis.proxy.config.route.Route;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.config.route.RouteMatch;
import io.trellis.proxy.config.route.StringMatcher;
import io.trellis.proxy.config.route.VirtualHostConfig;
import io.trellis.proxy.config.route.WeightedCluster;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouteTableTest {

  private static HttpRequest get(String host, String uri, String... headers) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    if (host != null) {
      r.headers().set("host", host);
    }
    for (int i = 0; i < headers.length; i += 2) {
      r.headers().add(headers[i], headers[i + 1]);
    }
    return r;
  }

  private static Route route(String name, RouteMatch match) {
    return new Route(name, match, new DirectResponseAction(200, name));
  }

  private static String vhFor(RouteTable t, String authority) {
    CompiledVirtualHost vh = t.virtualHost(authority);
    return vh == null ? null : vh.name();
  }

  @Test
  void virtualHostDomainPrecedenceIsExactThenLongestSuffixThenLongestPrefixThenStar() {
    RouteTable t = RouteTable.compile(new RouteConfig("r", List.of(
        new VirtualHostConfig("star", List.of("*"), List.of()),
        new VirtualHostConfig("exact", List.of("api.example.com", "api.example.com:8080"), List.of()),
        new VirtualHostConfig("suffix", List.of("*.example.com"), List.of()),
        new VirtualHostConfig("longsuffix", List.of("*.api.example.com"), List.of()),
        new VirtualHostConfig("dashsuffix", List.of("*-bar.example.com"), List.of()),
        new VirtualHostConfig("prefix", List.of("api.*"), List.of()),
        new VirtualHostConfig("longprefix", List.of("api.example.*"), List.of()))));
    assertThat(vhFor(t, "api.example.com")).isEqualTo("exact");
    assertThat(vhFor(t, "API.Example.COM")).isEqualTo("exact");
    assertThat(vhFor(t, "api.example.com:8080")).isEqualTo("exact");
    assertThat(vhFor(t, "v1.api.example.com")).isEqualTo("longsuffix");
    assertThat(vhFor(t, "foo-bar.example.com")).isEqualTo("dashsuffix");
    assertThat(vhFor(t, "www.example.com")).isEqualTo("suffix");
    // a suffix wildcard beats a prefix wildcard even when the prefix is longer
    assertThat(vhFor(t, "api.example.com:9090")).isEqualTo("longprefix");
    assertThat(vhFor(t, "api.other.org")).isEqualTo("prefix");
    // the wildcard never matches an empty remainder
    assertThat(vhFor(t, "example.com")).isEqualTo("star");
    assertThat(vhFor(t, "other.org")).isEqualTo("star");
  }

  @Test
  void noStarMeansNoVirtualHost() {
    RouteTable t = RouteTable.compile(new RouteConfig("r", List.of(new VirtualHostConfig("a", List.of("a.com"), List.of()))));
    assertThat(t.virtualHost("b.com")).isNull();
    assertThat(t.route(new RequestView(get("b.com", "/"), "http"))).isNull();
  }

  private static String match(List<Route> routes, HttpRequest request) {
    RouteTable t = RouteTable.compile(new RouteConfig("r", List.of(new VirtualHostConfig("vh", List.of("*"), routes))));
    SelectedRoute s = t.route(new RequestView(request, "http"));
    return s == null ? null : s.route().name();
  }

  @Test
  void pathMatchForms() {
    List<Route> routes = List.of(
        route("exact", RouteMatch.path("/exact")),
        route("regex", new RouteMatch(new PathMatch.SafeRegex("/users/[0-9]+"), true, null, null, false)),
        route("sep", new RouteMatch(new PathMatch.PathSeparatedPrefix("/api"), true, null, null, false)),
        route("ci", RouteMatch.prefix("/CaSe").withCaseSensitive(false)),
        route("prefix", RouteMatch.prefix("/p")));
    assertThat(match(routes, get("h", "/exact"))).isEqualTo("exact");
    assertThat(match(routes, get("h", "/exact?x=1"))).isEqualTo("exact");
    assertThat(match(routes, get("h", "/exact/more"))).isNull();
    assertThat(match(routes, get("h", "/users/123"))).isEqualTo("regex");
    // safe_regex must match the whole path
    assertThat(match(routes, get("h", "/users/123/x"))).isNull();
    assertThat(match(routes, get("h", "/api"))).isEqualTo("sep");
    assertThat(match(routes, get("h", "/api/v1"))).isEqualTo("sep");
    assertThat(match(routes, get("h", "/apiv1"))).isNull();
    assertThat(match(routes, get("h", "/case/Thing"))).isEqualTo("ci");
    assertThat(match(routes, get("h", "/pizza"))).isEqualTo("prefix");
    assertThat(match(routes, get("h", "/EXACT"))).isNull();
  }

  @Test
  void headerMatcherForms() {
    List<Route> routes = List.of(
        route("exact", RouteMatch.prefix("/").withHeaders(HeaderMatcher.string("x-a", StringMatcher.exact("1")))),
        route("prefix", RouteMatch.prefix("/").withHeaders(HeaderMatcher.string("x-b", StringMatcher.prefix("pre")))),
        route("suffix", RouteMatch.prefix("/").withHeaders(HeaderMatcher.string("x-c", StringMatcher.suffix("fix")))),
        route("contains", RouteMatch.prefix("/").withHeaders(HeaderMatcher.string("x-d", StringMatcher.contains("mid")))),
        route("regex", RouteMatch.prefix("/").withHeaders(HeaderMatcher.string("x-e", StringMatcher.regex("v[0-9]+")))),
        route("ignorecase", RouteMatch.prefix("/").withHeaders(HeaderMatcher.string("x-f", new StringMatcher(StringMatcher.Kind.EXACT, "YES", true)))),
        route("range", RouteMatch.prefix("/").withHeaders(HeaderMatcher.range("x-g", 10, 20))),
        route("present", RouteMatch.prefix("/").withHeaders(HeaderMatcher.present("x-h", true))),
        route("absent", RouteMatch.path("/absent").withHeaders(HeaderMatcher.present("x-i", false))),
        route("inverted", RouteMatch.path("/inv").withHeaders(HeaderMatcher.string("x-j", StringMatcher.exact("no")).inverted())),
        route("invmissing", RouteMatch.path("/invmissing").withHeaders(HeaderMatcher.string("x-k", StringMatcher.exact("no")).inverted().missingAsEmpty())),
        route("authority", RouteMatch.path("/auth").withHeaders(HeaderMatcher.string(":authority", StringMatcher.exact("special.host")))),
        route("method", RouteMatch.path("/m").withHeaders(HeaderMatcher.string(":method", StringMatcher.exact("GET")))));
    assertThat(match(routes, get("h", "/", "x-a", "1"))).isEqualTo("exact");
    assertThat(match(routes, get("h", "/", "x-a", "12"))).isNull();
    assertThat(match(routes, get("h", "/", "x-b", "prefixed"))).isEqualTo("prefix");
    assertThat(match(routes, get("h", "/", "x-c", "the-suffix"))).isEqualTo("suffix");
    assertThat(match(routes, get("h", "/", "x-d", "a-mid-b"))).isEqualTo("contains");
    assertThat(match(routes, get("h", "/", "x-e", "v42"))).isEqualTo("regex");
    assertThat(match(routes, get("h", "/", "x-e", "v42x"))).isNull();
    assertThat(match(routes, get("h", "/", "x-f", "yes"))).isEqualTo("ignorecase");
    assertThat(match(routes, get("h", "/", "x-g", "15"))).isEqualTo("range");
    assertThat(match(routes, get("h", "/", "x-g", "20"))).isNull();
    assertThat(match(routes, get("h", "/", "x-g", "abc"))).isNull();
    assertThat(match(routes, get("h", "/", "x-h", ""))).isEqualTo("present");
    assertThat(match(routes, get("h", "/absent"))).isEqualTo("absent");
    assertThat(match(routes, get("h", "/absent", "x-i", "1"))).isNull();
    // invert: a present header with another value matches, the excluded value does not
    assertThat(match(routes, get("h", "/inv", "x-j", "yes"))).isEqualTo("inverted");
    assertThat(match(routes, get("h", "/inv", "x-j", "no"))).isNull();
    // a missing header never matches an inverted string matcher unless treated as empty
    assertThat(match(routes, get("h", "/inv"))).isNull();
    assertThat(match(routes, get("h", "/invmissing"))).isEqualTo("invmissing");
    // several values of one header are joined with ','
    assertThat(match(routes, get("h", "/", "x-d", "a", "x-d", "mid"))).isEqualTo("contains");
    assertThat(match(routes, get("special.host", "/auth"))).isEqualTo("authority");
    assertThat(match(routes, get("h", "/m"))).isEqualTo("method");
  }

  @Test
  void queryParameterAndGrpcMatches() {
    List<Route> routes = List.of(
        route("q", RouteMatch.prefix("/q").withQueryParameters(new QueryParameterMatcher("debug", StringMatcher.exact("1")))),
        route("qpresent", RouteMatch.prefix("/q").withQueryParameters(QueryParameterMatcher.present("trace"))),
        route("grpc", RouteMatch.prefix("/svc").withGrpc(true)));
    assertThat(match(routes, get("h", "/q?a=b&debug=1"))).isEqualTo("q");
    assertThat(match(routes, get("h", "/q?debug=2"))).isNull();
    assertThat(match(routes, get("h", "/q?trace"))).isEqualTo("qpresent");
    assertThat(match(routes, get("h", "/q?tracer=1"))).isNull();
    assertThat(match(routes, get("h", "/svc/Method", "content-type", "application/grpc+proto"))).isEqualTo("grpc");
    assertThat(match(routes, get("h", "/svc/Method", "content-type", "application/json"))).isNull();
  }

  @Test
  void firstMatchingRouteWins() {
    List<Route> routes = List.of(route("first", RouteMatch.prefix("/a")), route("second", RouteMatch.prefix("/a/b")));
    assertThat(match(routes, get("h", "/a/b"))).isEqualTo("first");
  }

  private static CompiledRoute compiled(Route r) {
    return new CompiledRoute(r);
  }

  @Test
  void regexRewriteExactResultKeepsQuery() {
    Route r = new Route("rw", RouteMatch.prefix("/"), ForwardAction.builder(new ClusterSpecifier.Cluster("c"))
        .regexRewrite(new RegexRewrite("^/service/([^/]+)(/.*)$", "\\2/instance/\\1")).build());
    CompiledRoute c = compiled(r);
    assertThat(c.rewriteTarget(new RequestView(get("h", "/service/foo/v1/api?x=1"), "http"))).isEqualTo("/v1/api/instance/foo?x=1");
    Route all = new Route("rw2", RouteMatch.prefix("/"), ForwardAction.builder(new ClusterSpecifier.Cluster("c"))
        .regexRewrite(new RegexRewrite("o", "0")).build());
    assertThat(compiled(all).rewriteTarget(new RequestView(get("h", "/foo/boo?o=o"), "http"))).isEqualTo("/f00/b00?o=o");
  }

  @Test
  void prefixRewriteReplacesTheMatchedPrefixOnly() {
    Route r = new Route("p", RouteMatch.prefix("/api/"), ForwardAction.builder(new ClusterSpecifier.Cluster("c")).prefixRewrite("/").build());
    assertThat(compiled(r).rewriteTarget(new RequestView(get("h", "/api/users?id=1"), "http"))).isEqualTo("/users?id=1");
    Route s = new Route("s", new RouteMatch(new PathMatch.PathSeparatedPrefix("/v1"), true, null, null, false),
        ForwardAction.builder(new ClusterSpecifier.Cluster("c")).prefixRewrite("/v2").build());
    assertThat(compiled(s).rewriteTarget(new RequestView(get("h", "/v1/x"), "http"))).isEqualTo("/v2/x");
  }

  @Test
  void tenThousandRequestsLandWithinTwoPercentOfTheWeights() {
    Route r = new Route("w", RouteMatch.prefix("/"), ForwardAction.builder(new ClusterSpecifier.Weighted(List.of(
        new WeightedCluster("a", 10), new WeightedCluster("b", 30), new WeightedCluster("c", 60)))).build());
    CompiledRoute c = compiled(r);
    Random random = new Random(7);
    Map<String, Integer> counts = new HashMap<>();
    RequestView view = new RequestView(get("h", "/"), "http");
    for (int i = 0; i < 10_000; i++) {
      counts.merge(c.chooseCluster(view, random).cluster(), 1, Integer::sum);
    }
    assertThat(counts.get("a") / 10_000.0).isBetween(0.08, 0.12);
    assertThat(counts.get("b") / 10_000.0).isBetween(0.28, 0.32);
    assertThat(counts.get("c") / 10_000.0).isBetween(0.58, 0.62);
  }

  @Test
  void clusterHeaderPicksTheNamedCluster() {
    Route r = new Route("h", RouteMatch.prefix("/"), ForwardAction.builder(new ClusterSpecifier.FromHeader("x-cluster")).build());
    CompiledRoute c = compiled(r);
    assertThat(c.chooseCluster(new RequestView(get("h", "/", "x-cluster", "blue"), "http"), new Random()).cluster()).isEqualTo("blue");
    assertThat(c.chooseCluster(new RequestView(get("h", "/"), "http"), new Random())).isNull();
  }

  @Test
  void hashPoliciesAreStableAndDistinguishInputs() {
    RequestHasher header = new RequestHasher(List.of(new HashPolicy.Header("x-user", false)));
    long a1 = header.hash(new RequestView(get("h", "/", "x-user", "alice"), "http"), null).hash();
    long a2 = header.hash(new RequestView(get("h", "/", "x-user", "alice"), "http"), null).hash();
    long b = header.hash(new RequestView(get("h", "/", "x-user", "bob"), "http"), null).hash();
    assertThat(a1).isEqualTo(a2).isNotEqualTo(b);
    assertThat(header.hash(new RequestView(get("h", "/"), "http"), null).hash()).isNull();

    RequestHasher cookie = new RequestHasher(List.of(new HashPolicy.Cookie("session", null, null, false)));
    assertThat(cookie.hash(new RequestView(get("h", "/", "cookie", "a=1; session=xyz"), "http"), null).hash())
        .isEqualTo(RequestHasher.hashOf("xyz"));
    RequestHasher sticky = new RequestHasher(List.of(new HashPolicy.Cookie("session", java.time.Duration.ofSeconds(60), "/", false)));
    RequestHasher.Result generated = sticky.hash(new RequestView(get("h", "/"), "http"), new InetSocketAddress("10.0.0.1", 5555));
    assertThat(generated.cookie()).isNotNull();
    assertThat(generated.cookie().toSetCookie()).startsWith("session=").contains("Max-Age=60", "Path=/", "HttpOnly");
    assertThat(generated.hash()).isEqualTo(RequestHasher.hashOf(generated.cookie().value()));

    RequestHasher ip = new RequestHasher(List.of(new HashPolicy.SourceIp(false)));
    assertThat(ip.hash(new RequestView(get("h", "/"), "http"), new InetSocketAddress("10.0.0.1", 1)).hash())
        .isEqualTo(ip.hash(new RequestView(get("h", "/"), "http"), new InetSocketAddress("10.0.0.1", 2)).hash())
        .isNotEqualTo(ip.hash(new RequestView(get("h", "/"), "http"), new InetSocketAddress("10.0.0.2", 1)).hash());

    RequestHasher query = new RequestHasher(List.of(new HashPolicy.QueryParameter("id", false)));
    assertThat(query.hash(new RequestView(get("h", "/?id=7"), "http"), null).hash()).isEqualTo(RequestHasher.hashOf("7"));

    // a terminal policy that produced a hash ends the walk: the second policy is not folded in
    RequestHasher terminal = new RequestHasher(List.of(new HashPolicy.Header("x-a", true), new HashPolicy.Header("x-b", false)));
    assertThat(terminal.hash(new RequestView(get("h", "/", "x-a", "1", "x-b", "2"), "http"), null).hash()).isEqualTo(RequestHasher.hashOf("1"));
    RequestHasher both = new RequestHasher(List.of(new HashPolicy.Header("x-a", false), new HashPolicy.Header("x-b", false)));
    assertThat(both.hash(new RequestView(get("h", "/", "x-a", "1", "x-b", "2"), "http"), null).hash())
        .isEqualTo(Long.rotateLeft(RequestHasher.hashOf("1"), 1) ^ RequestHasher.hashOf("2"));
  }

  @Test
  void envoySubstitutionSyntaxBecomesRe2j() {
    assertThat(PathRewriter.toRe2jReplacement("\\1-\\2$")).isEqualTo("$1-$2\\$");
  }

  @Test
  void grpcTimeoutParsing() {
    assertThat(GrpcTimeout.parse("100m")).isEqualTo(java.time.Duration.ofMillis(100));
    assertThat(GrpcTimeout.parse("2S")).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(GrpcTimeout.parse("1H")).isEqualTo(java.time.Duration.ofHours(1));
    assertThat(GrpcTimeout.parse("123456789S")).isNull();
    assertThat(GrpcTimeout.parse("x1S")).isNull();
  }
}
