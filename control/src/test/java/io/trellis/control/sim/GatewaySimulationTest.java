package io.trellis.control.sim;

import static io.trellis.control.sim.Bookinfo.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.trellis.control.xds.XdsType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ingress gateway: listeners from Gateway servers, virtual hosts from bound VirtualServices. */
class GatewaySimulationTest {

  private static Result call(Mesh mesh, Request r) {
    return new Simulator(mesh.generate(Mesh.ingressGateway())).run(r);
  }

  @ParameterizedTest(name = "bookinfo gateway: {0} → productpage")
  @CsvSource({"/productpage", "/static/css/style.css", "/login", "/logout", "/api/v1/products/0/reviews"})
  void bookinfoGatewayRoutesThePagesToProductpage(String path) {
    Result r = call(Bookinfo.with("bookinfo-gateway.yaml"), Request.http("127.0.0.1:8080", 8080, path));
    assertThat(r.error()).isEmpty();
    assertThat(r.listener()).isEqualTo("0.0.0.0_8080");
    assertThat(r.routeConfig()).isEqualTo("http.8080");
    assertThat(r.singleCluster()).isEqualTo(cluster("", "productpage"));
    assertThat(r.endpoints()).containsExactly("10.1.0.16:9080");
  }

  @Test
  void bookinfoGatewayAnswersNothingElse() {
    Result r = call(Bookinfo.with("bookinfo-gateway.yaml"), Request.http("bookinfo.example.com", 8080, "/admin"));
    assertThat(r.error()).contains("no route matched");
  }

  @Test
  void withoutABoundVirtualServiceTheGatewayAnswers404() {
    Mesh mesh = Mesh.bookinfo().yaml(gateway("bookinfo.example.com"));
    Result r = call(mesh, Request.http("bookinfo.example.com", 8080, "/"));
    assertThat(r.directResponseStatus()).isEqualTo(404);
  }

  @Test
  void aGatewayForOtherLabelsGivesNoListener() {
    Mesh mesh = Mesh.bookinfo().yaml(gateway("*").replace("istio: ingressgateway", "istio: egressgateway"));
    assertThat(mesh.generate(Mesh.ingressGateway()).ofType(XdsType.LISTENER)).isEmpty();
  }

  private static String gateway(String... hosts) {
    StringBuilder h = new StringBuilder();
    for (String host : hosts) {
      h.append("    - \"").append(host).append("\"\n");
    }
    return """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: gw, namespace: default}
        spec:
          selector:
            istio: ingressgateway
          servers:
          - port: {number: 8080, name: http, protocol: HTTP}
            hosts:
        """ + h;
  }

  private static String vs(String name, String host, String dest) {
    return """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %s, namespace: default}
        spec:
          hosts: ["%s"]
          gateways: [gw]
          http:
          - route:
            - destination: {host: %s, port: {number: 9080}}
        """.formatted(name, host, dest);
  }

  @ParameterizedTest(name = "server *.example.com, VirtualService a.example.com: Host {0} → {1}")
  @CsvSource({"a.example.com, reviews", "a.example.com:8080, reviews", "A.EXAMPLE.COM, reviews", "b.example.com, ", "example.com, "})
  void hostsAreTheIntersectionOfServerAndVirtualServiceHosts(String host, String service) {
    Mesh mesh = Mesh.bookinfo().yaml(gateway("*.example.com") + vs("a", "a.example.com", "reviews"));
    Result r = call(mesh, Request.http(host, 8080, "/"));
    if (service == null) {
      assertThat(r.clusters()).isEmpty();
    } else {
      assertThat(r.singleCluster()).isEqualTo(cluster("", service));
    }
  }

  @Test
  void aWildcardVirtualServiceIsNarrowedToTheServerHost() {
    Mesh mesh = Mesh.bookinfo().yaml(gateway("shop.example.com") + vs("w", "*.example.com", "details"));
    var routes = mesh.generate(Mesh.ingressGateway()).ofType(XdsType.ROUTE).get("http.8080").message();
    var rc = (io.envoyproxy.envoy.config.route.v3.RouteConfiguration) routes;
    assertThat(rc.getVirtualHostsList()).extracting(VirtualHost::getName).containsExactly("shop.example.com:8080");
    assertThat(call(mesh, Request.http("shop.example.com", 8080, "/")).singleCluster()).isEqualTo(cluster("", "details"));
    assertThat(call(mesh, Request.http("other.example.com", 8080, "/")).clusters()).isEmpty();
  }

  @Test
  void mostSpecificVirtualHostWins() {
    Mesh mesh = Mesh.bookinfo().yaml(gateway("*") + vs("a", "a.example.com", "reviews") + vs("w", "*.example.com", "details") + vs("all", "*", "ratings"));
    assertThat(call(mesh, Request.http("a.example.com", 8080, "/")).singleCluster()).isEqualTo(cluster("", "reviews"));
    assertThat(call(mesh, Request.http("b.example.com", 8080, "/")).singleCluster()).isEqualTo(cluster("", "details"));
    assertThat(call(mesh, Request.http("example.org", 8080, "/")).singleCluster()).isEqualTo(cluster("", "ratings"));
  }

  @Test
  void virtualServicesSharingAHostAreMergedInOrder() {
    String first = vs("a1", "a.example.com", "reviews").replace("  http:\n  - route:", "  http:\n  - match: [{uri: {prefix: /r}}]\n    route:");
    Mesh mesh = Mesh.bookinfo().yaml(gateway("*") + first + vs("a2", "a.example.com", "details"));
    assertThat(call(mesh, Request.http("a.example.com", 8080, "/r/1")).singleCluster()).isEqualTo(cluster("", "reviews"));
    assertThat(call(mesh, Request.http("a.example.com", 8080, "/x")).singleCluster()).isEqualTo(cluster("", "details"));
  }

  @Test
  void serverHostNamespaceLimitsWhichVirtualServicesBind() {
    String gw = gateway("other/a.example.com");
    Mesh mesh = Mesh.bookinfo().yaml(gw + vs("a", "a.example.com", "reviews"));
    assertThat(call(mesh, Request.http("a.example.com", 8080, "/")).directResponseStatus()).isEqualTo(404);
  }

  @Test
  void matchGatewaysSelectRulesPerGateway() {
    String text = gateway("*") + """
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: both, namespace: default}
        spec:
          hosts: ["*", reviews]
          gateways: [gw, mesh]
          http:
          - match: [{gateways: [mesh]}]
            route: [{destination: {host: reviews, subset: v2}}]
          - match: [{gateways: [gw]}]
            route: [{destination: {host: reviews, subset: v3}}]
        """;
    Mesh mesh = Bookinfo.with().yaml(text);
    assertThat(call(mesh, Request.http("x", 8080, "/")).singleCluster()).isEqualTo(cluster("v3", "reviews"));
    assertThat(new Simulator(mesh.generate(Mesh.productpage())).run(Request.http("reviews", 9080, "/")).singleCluster())
        .isEqualTo(cluster("v2", "reviews"));
  }

  @Test
  void httpsRedirectRequiresTls() {
    String text = gateway("*").replace("    - \"*\"\n", "    - \"*\"\n    tls: {httpsRedirect: true}\n") + vs("a", "*", "reviews");
    Mesh mesh = Mesh.bookinfo().yaml(text);
    var rc = (io.envoyproxy.envoy.config.route.v3.RouteConfiguration) mesh.generate(Mesh.ingressGateway()).ofType(XdsType.ROUTE).get("http.8080").message();
    assertThat(rc.getVirtualHosts(0).getRequireTls()).isEqualTo(VirtualHost.TlsRequirementType.ALL);
  }

  private static final String TLS_GATEWAY = """
      apiVersion: networking.istio.io/v1
      kind: Gateway
      metadata: {name: tls, namespace: istio-system}
      spec:
        selector: {istio: ingressgateway}
        servers:
        - port: {number: 443, name: https, protocol: HTTPS}
          hosts: [bookinfo.example.com]
          tls:
            mode: SIMPLE
            serverCertificate: /etc/certs/server.pem
            privateKey: /etc/certs/key.pem
        - port: {number: 443, name: tls-pass, protocol: TLS}
          hosts: [db.example.com]
          tls: {mode: PASSTHROUGH}
        - port: {number: 31400, name: tcp, protocol: TCP}
          hosts: ["*"]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: page, namespace: default}
      spec:
        hosts: [bookinfo.example.com]
        gateways: [istio-system/tls]
        http:
        - route: [{destination: {host: productpage}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: db, namespace: default}
      spec:
        hosts: [db.example.com]
        gateways: [istio-system/tls]
        tls:
        - match: [{sniHosts: [db.example.com], port: 443}]
          route: [{destination: {host: ratings, port: {number: 9080}}}]
      ---
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: tcp, namespace: default}
      spec:
        hosts: ["*"]
        gateways: [istio-system/tls]
        tcp:
        - match: [{port: 31400}]
          route: [{destination: {host: details, port: {number: 9080}}}]
      """;

  @Test
  void httpsTerminatesWithTheServerCertificateFiles() throws Exception {
    Mesh mesh = Mesh.bookinfo().yaml(TLS_GATEWAY);
    Result r = call(mesh, Request.http("bookinfo.example.com", 443, "/productpage").withSni("bookinfo.example.com"));
    assertThat(r.routeConfig()).isEqualTo("https.443.https.tls.istio-system");
    assertThat(r.singleCluster()).isEqualTo(cluster("", "productpage"));
    Listener l = (Listener) mesh.generate(Mesh.ingressGateway()).ofType(XdsType.LISTENER).get("0.0.0.0_443").message();
    var chain = l.getFilterChainsList().stream().filter(c -> c.getName().equals(r.filterChain())).findFirst().orElseThrow();
    DownstreamTlsContext tls = chain.getTransportSocket().getTypedConfig().unpack(DownstreamTlsContext.class);
    assertThat(tls.getCommonTlsContext().getTlsCertificates(0).getCertificateChain().getFilename()).isEqualTo("/etc/certs/server.pem");
    assertThat(tls.getCommonTlsContext().getTlsCertificates(0).getPrivateKey().getFilename()).isEqualTo("/etc/certs/key.pem");
    assertThat(l.getListenerFiltersList()).extracting(f -> f.getName()).contains("envoy.filters.listener.tls_inspector");
  }

  @Test
  void tlsPassthroughRoutesBySni() {
    Result r = call(Mesh.bookinfo().yaml(TLS_GATEWAY), Request.tls("db.example.com", 443));
    assertThat(r.filterChain()).isEqualTo("sni_db.example.com");
    assertThat(r.singleCluster()).isEqualTo(cluster("", "ratings"));
  }

  @Test
  void tlsWithAnUnknownSniFindsNoChain() {
    Result r = call(Mesh.bookinfo().yaml(TLS_GATEWAY), Request.tls("unknown.example.com", 443));
    assertThat(r.error()).contains("no filter chain");
  }

  @Test
  void tcpServerProxiesToTheVirtualServiceDestination() {
    Result r = call(Mesh.bookinfo().yaml(TLS_GATEWAY), Request.tcp("", 31400));
    assertThat(r.singleCluster()).isEqualTo(cluster("", "details"));
  }
}
