package io.trellis.api.analyze;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.load.ConfigLoader;
import io.trellis.api.load.LoadResult;
import io.trellis.api.validate.ConfigValidator;
import io.trellis.api.validate.ValidationReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalysisTest {

  /** A small mesh: reviews v1/v2 and ratings in default, with a Namespace and the local gateway. */
  private static final String MESH =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: default, labels: {istio-injection: enabled}}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: reviews}
      spec:
        selector: {app: reviews}
        ports: [{name: http, port: 9080}]
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: ratings}
      spec:
        selector: {app: ratings}
        ports: [{name: http, port: 9080}, {name: grpc-admin, port: 9090}]
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: reviews-v1}
      spec:
        selector: {matchLabels: {app: reviews, version: v1}}
        template:
          metadata: {labels: {app: reviews, version: v1}}
          spec: {containers: [{name: reviews, image: reviews}]}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: reviews-v2}
      spec:
        selector: {matchLabels: {app: reviews, version: v2}}
        template:
          metadata: {labels: {app: reviews, version: v2}}
          spec: {containers: [{name: reviews, image: reviews}]}
      ---
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: ratings-v1}
      spec:
        selector: {matchLabels: {app: ratings}}
        template:
          metadata: {labels: {app: ratings, version: v1}}
          spec: {containers: [{name: ratings, image: ratings}]}
      ---
      apiVersion: networking.istio.io/v1
      kind: DestinationRule
      metadata: {name: reviews}
      spec:
        host: reviews
        subsets:
        - {name: v1, labels: {version: v1}}
        - {name: v2, labels: {version: v2}}
      """;

  private static List<String> analyze(String extra) {
    LoadResult loaded = new ConfigLoader().load("mesh.yaml", MESH + "---\n" + extra);
    ValidationReport report = new ConfigValidator().validate(loaded);
    assertThat(report.problems().stream().filter(p -> p.isError()).map(Object::toString).toList())
        .as("test input must be valid").isEmpty();
    return Analysis.forLocalMesh().run(report.accepted()).stream().map(Diagnostic::format).toList();
  }

  @Test
  void aCleanMeshHasNoFindings() {
    assertThat(analyze(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{headers: {end-user: {exact: jason}}}]
            route: [{destination: {host: reviews, subset: v2}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """)).isEmpty();
  }

  @Test
  void destinationHostSubsetAndPortMustExist() {
    List<String> found = analyze(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - route:
            - {destination: {host: reviewz}, weight: 50}
            - {destination: {host: reviews, subset: v3}, weight: 25}
            - {destination: {host: reviews, port: {number: 8080}}, weight: 25}
          - route: [{destination: {host: ratings}}]
        """);
    assertThat(found).containsExactly(
        "mesh.yaml:62: Error [IST0101] VirtualService default/reviews: spec.http[0].route[0].destination.host:"
            + " Referenced host not found: \"reviewz\"",
        "mesh.yaml:63: Error [IST0101] VirtualService default/reviews: spec.http[0].route[1].destination.subset:"
            + " Referenced host+subset in destinationrule not found: \"reviews+v3\"",
        "mesh.yaml:64: Error [IST0101] VirtualService default/reviews: spec.http[0].route[2].destination.port.number:"
            + " Referenced host:port not found: \"reviews:8080\"",
        "mesh.yaml:65: Error [IST0112] VirtualService default/reviews: spec.http[1].route[0].destination:"
            + " This VirtualService routes to a service \"ratings.default.svc.cluster.local\" that exposes multiple"
            + " ports [9080, 9090]. Specifying a port in the destination is required to disambiguate.",
        "mesh.yaml:65: Warning [IST0130] VirtualService default/reviews: spec.http[1]: VirtualService rule #1"
            + " not used (only the last rule can have no matches; rule #0 matches every request).");
  }

  @Test
  void gatewaysMustExistAndServeTheHost() {
    List<String> found = analyze(
        """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: web}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: [bookinfo.example.com]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: front}
        spec:
          hosts: [shop.example.com]
          gateways: [web, missing]
          http: [{route: [{destination: {host: reviews}}]}]
        """);
    assertThat(found).containsExactly(
        "mesh.yaml:66: Warning [IST0132] VirtualService default/front: spec.hosts: one or more host"
            + " [shop.example.com] defined in VirtualService default/front not found in Gateway default/web.",
        "mesh.yaml:67: Error [IST0101] VirtualService default/front: spec.gateways[1]:"
            + " Referenced gateway not found: \"missing\"");
  }

  @Test
  void twoVirtualServicesForOneHostOnTheMeshConflict() {
    List<String> found = analyze(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: a}
        spec:
          hosts: [reviews]
          http: [{route: [{destination: {host: reviews}}]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: b}
        spec:
          hosts: [reviews.default.svc.cluster.local]
          http: [{route: [{destination: {host: reviews}}]}]
        """);
    assertThat(found).hasSize(2).allSatisfy(line -> assertThat(line)
        .contains("Error [IST0109]")
        .contains("The VirtualServices default/a,default/b associated with mesh gateway define the same host"
            + " reviews.default.svc.cluster.local"));
  }

  @Test
  void rulesAfterACatchAllAndDuplicateMatchesAreUnreachable() {
    List<String> found = analyze(
        """
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{uri: {prefix: /a}}]
            route: [{destination: {host: reviews}}]
          - match: [{uri: {prefix: /a}}, {uri: {prefix: /b}}]
            route: [{destination: {host: reviews}}]
          - match: [{uri: {prefix: /b}, name: again}]
            route: [{destination: {host: reviews}}]
          - route: [{destination: {host: reviews}}]
          - match: [{uri: {prefix: /c}}]
            route: [{destination: {host: reviews}}]
        """);
    assertThat(found).containsExactly(
        "mesh.yaml:63: Info [IST0131] VirtualService default/reviews: spec.http[1].match[0]:"
            + " VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0).",
        "mesh.yaml:65: Warning [IST0130] VirtualService default/reviews: spec.http[2]:"
            + " VirtualService rule #2 not used (all matches are used by prior rules).",
        "mesh.yaml:65: Info [IST0131] VirtualService default/reviews: spec.http[2].match[0]:"
            + " VirtualService rule #2 match #0 is not used (duplicate/overlapping match in rule #1).",
        "mesh.yaml:68: Warning [IST0130] VirtualService default/reviews: spec.http[4]:"
            + " VirtualService rule #4 not used (only the last rule can have no matches; rule #3 matches every request).");
  }

  @Test
  void gatewaySelectorMustSelectAWorkloadAndGatewaysMustNotConflict() {
    List<String> found = analyze(
        """
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: orphan}
        spec:
          selector: {istio: egressgateway}
          servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: one}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*.example.com"]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: Gateway
        metadata: {name: two, namespace: shop}
        spec:
          selector: {istio: ingressgateway}
          servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["shop.example.com"]}]
        """);
    assertThat(found).containsExactly(
        "mesh.yaml:59: Error [IST0101] Gateway default/orphan: spec.selector:"
            + " Referenced selector not found: \"istio=egressgateway\"",
        "mesh.yaml:67: Error [IST0145] Gateway default/one: spec.servers: Conflict with gateways shop/two"
            + " (workload selector istio=ingressgateway, port 8080, hosts [*.example.com]).",
        "mesh.yaml:74: Error [IST0145] Gateway shop/two: spec.servers: Conflict with gateways default/one"
            + " (workload selector istio=ingressgateway, port 8080, hosts [shop.example.com]).");
  }

  @Test
  void policiesMustSelectWorkloads() {
    List<String> found = analyze(
        """
        apiVersion: security.istio.io/v1
        kind: AuthorizationPolicy
        metadata: {name: deny-typo}
        spec:
          selector: {matchLabels: {app: reveiws}}
          action: DENY
          rules: [{to: [{operation: {methods: [DELETE]}}]}]
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: reviews}
        spec:
          selector: {matchLabels: {app: reviews}}
          mtls: {mode: PERMISSIVE}
        """);
    assertThat(found).containsExactly(
        "mesh.yaml:59: Warning [IST0127] AuthorizationPolicy default/deny-typo: spec.selector:"
            + " No matching workloads for this resource with the following labels: app=reveiws");
  }

  @Test
  void subsetsMustSelectWorkloads() {
    List<String> found = analyze(
        """
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings}
        spec:
          host: ratings
          subsets: [{name: v1, labels: {version: v1}}, {name: v9, labels: {version: v9}}]
        """);
    assertThat(found).containsExactly(
        "mesh.yaml:60: Warning [TRL0001] DestinationRule default/ratings: spec.subsets[1].labels:"
            + " Subset \"v9\" selects no workload of ratings.default.svc.cluster.local (labels version=v9);"
            + " requests routed to it will fail with 503.");
  }

  @Test
  void strictMtlsAgainstADestinationRuleThatDisablesTls() {
    List<String> found = analyze(
        """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: istio-system}
        spec:
          mtls: {mode: STRICT}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings-plain}
        spec:
          host: ratings
          trafficPolicy: {tls: {mode: DISABLE}}
        """);
    assertThat(found).containsExactly(
        "mesh.yaml:66: Error [IST0113] DestinationRule default/ratings-plain: spec.trafficPolicy.tls.mode:"
            + " A DestinationRule and Policy are in conflict with regards to mTLS for host"
            + " ratings.default.svc.cluster.local. The DestinationRule \"default/ratings-plain\" specifies that"
            + " mTLS must be false but the Policy object \"istio-system/default\" specifies STRICT.");
  }

  @Test
  void namespacePolicyOverridesMeshWideStrict() {
    assertThat(analyze(
        """
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default, namespace: istio-system}
        spec:
          mtls: {mode: STRICT}
        ---
        apiVersion: security.istio.io/v1
        kind: PeerAuthentication
        metadata: {name: default}
        spec:
          mtls: {mode: PERMISSIVE}
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: ratings-plain}
        spec:
          host: ratings
          trafficPolicy: {tls: {mode: DISABLE}}
        """)).isEmpty();
  }

  @Test
  void portNamesSidecarsNamespacesServiceEntriesAndTls() {
    List<String> found = analyze(
        """
        apiVersion: v1
        kind: Service
        metadata: {name: legacy}
        spec:
          selector: {app: legacy}
          ports: [{name: web, port: 80}, {name: http-web, port: 81}, {name: x, port: 82, appProtocol: http}]
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: s1}
        spec:
          egress: [{hosts: ["./*"]}]
        ---
        apiVersion: networking.istio.io/v1
        kind: Sidecar
        metadata: {name: s2}
        spec:
          egress: [{hosts: ["istio-system/*"]}]
        ---
        apiVersion: v1
        kind: Namespace
        metadata: {name: plain}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: app, namespace: plain}
        spec:
          selector: {matchLabels: {app: x}}
          template:
            metadata: {labels: {app: x}}
            spec: {containers: [{name: x, image: x}]}
        ---
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: db}
        spec:
          hosts: [db.example.com]
          ports: [{number: 5432, name: tcp-pg, protocol: TCP}]
          resolution: DNS
        ---
        apiVersion: networking.istio.io/v1
        kind: DestinationRule
        metadata: {name: db}
        spec:
          host: db.example.com
          trafficPolicy: {tls: {mode: SIMPLE}}
        """);
    assertThat(found).containsExactly(
        "mesh.yaml:60: Info [IST0118] Service default/legacy: spec.ports[0]: Port name web (port: 80,"
            + " targetPort: 80) doesn't follow the naming convention of Istio port.",
        "mesh.yaml:65: Error [IST0111] Sidecar default/s1: spec: The Sidecars [s1, s2] in namespace \"default\""
            + " have no workload selector, which can lead to undefined behavior.",
        "mesh.yaml:71: Error [IST0111] Sidecar default/s2: spec: The Sidecars [s1, s2] in namespace \"default\""
            + " have no workload selector, which can lead to undefined behavior.",
        "mesh.yaml:76: Info [IST0102] Namespace plain: metadata.labels: The namespace is not enabled for"
            + " Istio injection. Label it with istio-injection=enabled (metadata.labels) to enable it, or"
            + " istio-injection=disabled to mark it as not needing injection.",
        "mesh.yaml:90: Warning [IST0134] ServiceEntry default/db: spec.addresses:"
            + " ServiceEntry addresses are required for this protocol.",
        "mesh.yaml:100: Warning [IST0128] DestinationRule default/db: spec.trafficPolicy.tls: DestinationRule db"
            + " in namespace default has TLS mode set to SIMPLE but no caCertificates are set to validate server"
            + " identity for host: db.example.com");
  }
}
