package io.trellis.control.sim;

import static io.trellis.control.sim.Bookinfo.cluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.trellis.control.xds.XdsResources;
import io.trellis.control.xds.XdsType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DestinationRule policies as clusters express them, and Istio's subset/port merge rules. */
class DestinationRuleSimulationTest {
  private static final String VS_V2 = """
      apiVersion: networking.istio.io/v1
      kind: VirtualService
      metadata: {name: reviews, namespace: default}
      spec:
        hosts: [reviews]
        http:
        - route: [{destination: {host: reviews, subset: v2}}]
      """;

  private static Cluster clusterOf(XdsResources xds, String name) {
    var r = xds.ofType(XdsType.CLUSTER).get(name);
    assertThat(r).as("cluster " + name).isNotNull();
    return (Cluster) r.message();
  }

  private static XdsResources xds(String dr) {
    return Mesh.bookinfo().yaml(dr).generate(Mesh.productpage());
  }

  private static final String MERGE = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: default}
      spec:
        host: reviews
        trafficPolicy:
          loadBalancer: {simple: RANDOM}
          connectionPool:
            tcp: {maxConnections: 100, connectTimeout: 3s}
            http: {http2MaxRequests: 1000, maxRequestsPerConnection: 10, idleTimeout: 30s}
          portLevelSettings:
          - port: {number: 9080}
            connectionPool:
              tcp: {maxConnections: 50}
        subsets:
        - name: v1
          labels: {version: v1}
        - name: v2
          labels: {version: v2}
          trafficPolicy:
            loadBalancer: {simple: ROUND_ROBIN}
        - name: v3
          labels: {version: v3}
          trafficPolicy:
            outlierDetection: {consecutive5xxErrors: 7, interval: 5s}
      """;

  @Test
  void topLevelPolicyAppliesToTheServiceCluster() {
    Cluster c = clusterOf(xds(MERGE), cluster("", "reviews"));
    assertThat(c.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RANDOM);
  }

  @Test
  void topLevelConnectionPoolAppliesOnPortsWithoutTheirOwn() {
    Cluster c = clusterOf(xds(MERGE.replace("{number: 9080}", "{number: 9999}")), cluster("", "reviews"));
    assertThat(c.getConnectTimeout().getSeconds()).isEqualTo(3);
    assertThat(c.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue()).isEqualTo(100);
  }

  @Test
  void portLevelSettingsReplaceTheTopLevelConnectionPool() {
    Cluster c = clusterOf(xds(MERGE), cluster("", "reviews"));
    // The port's pool replaces the whole connectionPool field, as Istio merges it.
    assertThat(c.getCircuitBreakers().getThresholds(0).getMaxConnections().getValue()).isEqualTo(50);
    assertThat(c.getCircuitBreakers().getThresholds(0).getMaxRequests().getValue()).isEqualTo(-1); // uint32 max
    assertThat(c.getConnectTimeout().getSeconds()).isEqualTo(10);
  }

  @Test
  void subsetLoadBalancerOverridesTopLevel() {
    XdsResources x = xds(MERGE);
    assertThat(clusterOf(x, cluster("v1", "reviews")).getLbPolicy()).isEqualTo(Cluster.LbPolicy.RANDOM);
    assertThat(clusterOf(x, cluster("v2", "reviews")).getLbPolicy()).isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
  }

  @Test
  void subsetOutlierDetectionIsAddedToInheritedSettings() {
    Cluster v3 = clusterOf(xds(MERGE), cluster("v3", "reviews"));
    assertThat(v3.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(7);
    assertThat(v3.getOutlierDetection().getInterval().getSeconds()).isEqualTo(5);
    assertThat(v3.getLbPolicy()).isEqualTo(Cluster.LbPolicy.RANDOM);
    assertThat(clusterOf(xds(MERGE), cluster("v1", "reviews")).hasOutlierDetection()).isFalse();
  }

  @Test
  void subsetEndpointsAreSelectedByLabels() {
    Simulator sim = new Simulator(Mesh.bookinfo().yaml(MERGE).yaml("---\n" + VS_V2).generate(Mesh.productpage()));
    Result r = sim.run(Request.http("reviews", 9080, "/"));
    assertThat(r.singleCluster()).isEqualTo(cluster("v2", "reviews"));
    assertThat(r.endpoints()).containsExactly("10.1.0.14:9080");
  }

  @Test
  void connectionPoolHttpSettingsBecomeProtocolOptions() throws Exception {
    Cluster c = clusterOf(xds(MERGE.replace("    portLevelSettings:\n    - port: {number: 9080}\n      connectionPool:\n        tcp: {maxConnections: 50}\n", "")), cluster("v1", "reviews"));
    HttpProtocolOptions o = c.getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions").unpack(HttpProtocolOptions.class);
    assertThat(o.getCommonHttpProtocolOptions().getMaxRequestsPerConnection().getValue()).isEqualTo(10);
    assertThat(o.getCommonHttpProtocolOptions().getIdleTimeout().getSeconds()).isEqualTo(30);
    assertThat(c.getCircuitBreakers().getThresholds(0).getMaxRequests().getValue()).isEqualTo(1000);
  }

  @Test
  void consistentHashBecomesRingHashAndARouteHashPolicy() {
    String dr = """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: reviews, namespace: default}
        spec:
          host: reviews
          trafficPolicy:
            loadBalancer:
              consistentHash: {httpHeaderName: x-user}
        """;
    Mesh mesh = Mesh.bookinfo().yaml(dr);
    Result r = new Simulator(mesh.generate(Mesh.productpage())).run(Request.http("reviews", 9080, "/"));
    assertThat(r.cluster().getLbPolicy()).isEqualTo(Cluster.LbPolicy.RING_HASH);
    assertThat(r.cluster().getRingHashLbConfig().getMinimumRingSize().getValue()).isEqualTo(1024);
    // The default route gets no hash policy; a VirtualService route to the service does.
    Result viaVs = new Simulator(mesh.yaml("---\n" + VS_V2.replace(", subset: v2", "")).generate(Mesh.productpage()))
        .run(Request.http("reviews", 9080, "/"));
    assertThat(viaVs.route().getRoute().getHashPolicy(0).getHeader().getHeaderName()).isEqualTo("x-user");
  }

  /** The ratings cluster under a DestinationRule whose trafficPolicy is {@code policyYaml} (one flow-style line). */
  private static Cluster ratingsWith(String policyYaml) {
    return clusterOf(xds("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: r, namespace: default}
        spec:
          host: ratings
          trafficPolicy:
            %s
        """.formatted(policyYaml)), cluster("", "ratings"));
  }

  @Test
  void warmupDurationBecomesSlowStartOfTheBalancerThatHasIt() {
    Cluster lr = ratingsWith("loadBalancer: {warmupDurationSecs: 45s}");
    assertThat(lr.getLbPolicy()).isEqualTo(Cluster.LbPolicy.LEAST_REQUEST);
    assertThat(lr.getLeastRequestLbConfig().getSlowStartConfig().getSlowStartWindow().getSeconds()).isEqualTo(45);
    Cluster rr = ratingsWith("loadBalancer: {simple: ROUND_ROBIN, warmupDurationSecs: 10s}");
    assertThat(rr.getRoundRobinLbConfig().getSlowStartConfig().getSlowStartWindow().getSeconds()).isEqualTo(10);
    Cluster random = ratingsWith("loadBalancer: {simple: RANDOM, warmupDurationSecs: 10s}");
    assertThat(random.hasRoundRobinLbConfig() || random.hasLeastRequestLbConfig()).isFalse();
  }

  @Test
  void useClientProtocolSendsEachRequestUpstreamInItsOwnProtocol() throws Exception {
    Cluster c = ratingsWith("connectionPool: {http: {useClientProtocol: true, maxConcurrentStreams: 64}}");
    HttpProtocolOptions o = c.getTypedExtensionProtocolOptionsOrThrow("envoy.extensions.upstreams.http.v3.HttpProtocolOptions").unpack(HttpProtocolOptions.class);
    assertThat(o.hasExplicitHttpConfig()).isFalse();
    assertThat(o.getUseDownstreamProtocolConfig().hasHttpProtocolOptions()).isTrue();
    assertThat(o.getUseDownstreamProtocolConfig().getHttp2ProtocolOptions().getMaxConcurrentStreams().getValue()).isEqualTo(64);
  }

  @Test
  void maglevIsHonoured() {
    Cluster c = clusterOf(xds("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: r, namespace: default}
        spec:
          host: ratings
          trafficPolicy:
            loadBalancer:
              consistentHash: {useSourceIp: true, maglev: {tableSize: 65537}}
        """), cluster("", "ratings"));
    assertThat(c.getLbPolicy()).isEqualTo(Cluster.LbPolicy.MAGLEV);
    assertThat(c.getMaglevLbConfig().getTableSize().getValue()).isEqualTo(65537);
  }

  @Test
  void simpleTlsOriginatesWithSniAndCa() throws Exception {
    Cluster c = clusterOf(xds("""
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: d, namespace: default}
        spec:
          host: details
          trafficPolicy:
            tls: {mode: SIMPLE, caCertificates: /etc/ca.pem, sni: details.example.com}
        """), cluster("", "details"));
    UpstreamTlsContext tls = c.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertThat(tls.getSni()).isEqualTo("details.example.com");
    assertThat(tls.getCommonTlsContext().getValidationContext().getTrustedCa().getFilename()).isEqualTo("/etc/ca.pem");
  }

  /** destination-rule-all-mtls.yaml's rule for reviews. */
  static final String MTLS = """
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews, namespace: default}
      spec:
        host: reviews
        trafficPolicy:
          tls: {mode: ISTIO_MUTUAL}
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
        - {name: v3, labels: {version: v3}}
      """;

  @Test
  void istioMutualUsesSdsSecretsAndTheWorkloadIdentities() throws Exception {
    Cluster c = clusterOf(Bookinfo.with().yaml(MTLS).generate(Mesh.productpage()), cluster("v1", "reviews"));
    UpstreamTlsContext tls = c.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
    assertThat(tls.getCommonTlsContext().getTlsCertificateSdsSecretConfigs(0).getName()).isEqualTo("default");
    var combined = tls.getCommonTlsContext().getCombinedValidationContext();
    assertThat(combined.getValidationContextSdsSecretConfig().getName()).isEqualTo("ROOTCA");
    assertThat(combined.getDefaultValidationContext().getMatchTypedSubjectAltNames(0).getMatcher().getExact())
        .isEqualTo("spiffe://cluster.local/ns/default/sa/bookinfo-reviews");
    assertThat(tls.getSni()).isEqualTo("outbound_.9080_.v1_.reviews.default.svc.cluster.local");
  }

  @Test
  void localityDistributeWeightsLocalities() {
    String text = """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: geo, namespace: default}
        spec:
          hosts: [geo.internal]
          ports: [{number: 80, name: http, protocol: HTTP}]
          resolution: STATIC
          endpoints:
          - {address: 10.9.0.1, locality: us-west/zone1}
          - {address: 10.9.0.2, locality: us-east/zone1}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: geo, namespace: default}
        spec:
          host: geo.internal
          trafficPolicy:
            loadBalancer:
              localityLbSetting:
                distribute:
                - from: us-west/*
                  to: {"us-west/*": 80, "us-east/*": 20}
        """;
    var xds = Mesh.bookinfo().yaml(text)
        .generate(Mesh.sidecar("default", Map.of("app", "productpage", "topology.kubernetes.io/region", "us-west", "topology.kubernetes.io/zone", "zone1")));
    var cla = (io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment) xds.ofType(XdsType.ENDPOINT).get("outbound|80||geo.internal").message();
    Map<String, Integer> weights = new java.util.TreeMap<>();
    cla.getEndpointsList().forEach(l -> weights.put(l.getLocality().getRegion(), l.getLoadBalancingWeight().getValue()));
    assertThat(weights).containsExactlyInAnyOrderEntriesOf(Map.of("us-east", 20, "us-west", 80));
    assertThat(clusterOf(xds, "outbound|80||geo.internal").getCommonLbConfig().hasLocalityWeightedLbConfig()).isTrue();
  }
}
