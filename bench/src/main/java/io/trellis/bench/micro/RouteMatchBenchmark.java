package io.trellis.bench.micro;

import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.trellis.proxy.config.route.RouteConfig;
import io.trellis.proxy.router.RequestView;
import io.trellis.proxy.router.RouteTable;
import io.trellis.proxy.router.SelectedRoute;
import io.trellis.proxy.xds.RouteConfigurationResource;
import io.trellis.proxy.xds.ValidationErrors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Route matching over 1000 routes, as the router does it for every request: the route table
 * compiled from an Envoy RouteConfiguration (through the proxy's own RDS parser), a request view
 * built from a Netty request, virtual host by authority, then the routes in order. Two shapes:
 * one virtual host with 1000 prefix routes (each also matching a header, as Istio's header-based
 * routes do), and 1000 virtual hosts of one route each (Istio's sidecar shape: one per service).
 * The request hits the first route, the last, or none.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteMatchBenchmark {

  static final int ROUTES = 1000;

  @Param({"routes", "virtual_hosts"})
  public String shape;

  @Param({"first", "last", "miss"})
  public String hit;

  private RouteTable table;
  private HttpRequest request;

  @Setup
  public void build() {
    table = RouteTable.compile(parse(shape.equals("routes") ? manyRoutes() : manyVirtualHosts()));
    int target = hit.equals("first") ? 0 : ROUTES - 1;
    request =
        shape.equals("routes")
            ? request(hit.equals("miss") ? "/none/items?id=7" : "/svc-" + target + "/items?id=7", "bench.local")
            : request("/items?id=7", hit.equals("miss") ? "none.local" : "svc-" + target + ".ns.svc.cluster.local");
  }

  private static HttpRequest request(String uri, String authority) {
    HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    r.headers().set("host", authority).set("x-version", "v2").set("user-agent", "bench");
    return r;
  }

  static RouteConfig parse(RouteConfiguration proto) {
    ValidationErrors errors = ValidationErrors.forResource("RouteConfiguration", proto.getName());
    RouteConfig config = RouteConfigurationResource.INSTANCE.parse(proto, errors);
    if (!errors.isEmpty()) {
      throw new IllegalStateException("benchmark routes rejected: " + errors.messages());
    }
    return config;
  }

  static RouteConfiguration manyRoutes() {
    VirtualHost.Builder vh = VirtualHost.newBuilder().setName("bench").addDomains("*");
    for (int i = 0; i < ROUTES; i++) {
      vh.addRoutes(
          Route.newBuilder()
              .setMatch(
                  RouteMatch.newBuilder()
                      .setPrefix("/svc-" + i + "/")
                      .addHeaders(
                          HeaderMatcher.newBuilder()
                              .setName("x-version")
                              .setStringMatch(StringMatcher.newBuilder().setExact("v2"))))
              .setRoute(RouteAction.newBuilder().setCluster("outbound|8080|v2|svc-" + i + ".ns.svc.cluster.local")));
    }
    return RouteConfiguration.newBuilder().setName("8080").addVirtualHosts(vh).build();
  }

  static RouteConfiguration manyVirtualHosts() {
    RouteConfiguration.Builder rc = RouteConfiguration.newBuilder().setName("8080");
    for (int i = 0; i < ROUTES; i++) {
      String host = "svc-" + i + ".ns.svc.cluster.local";
      rc.addVirtualHosts(
          VirtualHost.newBuilder()
              .setName(host + ":8080")
              .addDomains(host)
              .addDomains(host + ":8080")
              .addDomains("svc-" + i)
              .addRoutes(
                  Route.newBuilder()
                      .setMatch(RouteMatch.newBuilder().setPrefix("/"))
                      .setRoute(RouteAction.newBuilder().setCluster("outbound|8080||" + host))));
    }
    return rc.build();
  }

  @Benchmark
  public SelectedRoute route() {
    return table.route(new RequestView(request, "http"));
  }
}
