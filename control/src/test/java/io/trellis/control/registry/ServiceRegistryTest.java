package io.trellis.control.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.control.sim.Mesh;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Services and endpoints from every source the registry reads. */
class ServiceRegistryTest {

  private static ServiceRegistry registry(String yaml) {
    return ServiceRegistry.build(Mesh.create().yaml(yaml).snapshot());
  }

  private static MeshService only(ServiceRegistry r, String host) {
    List<MeshService> s = r.byHost(host);
    assertThat(s).as("services named " + host).hasSize(1);
    return s.getFirst();
  }

  private static List<String> endpoints(ServiceRegistry r, MeshService s, int port) {
    return r.endpoints(s, port).stream().map(e -> e.workload().address() + ":" + e.port()).toList();
  }

  @Test
  void kubernetesServiceSelectsReadyPodsAndResolvesNamedTargetPorts() {
    ServiceRegistry r = registry("""
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          clusterIP: 10.96.5.5
          ports:
          - {name: http-web, port: 80, targetPort: web}
          - {name: grpc, port: 9000, targetPort: 9090}
          selector: {app: web}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-a, namespace: shop, labels: {app: web, version: a}}
        spec:
          serviceAccountName: web-sa
          containers: [{name: c, ports: [{name: web, containerPort: 8080}]}]
        status: {phase: Running, podIP: 10.1.1.1}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web-b, namespace: shop, labels: {app: web, version: b}}
        spec:
          containers: [{name: c, ports: [{name: web, containerPort: 8081}]}]
        status: {phase: Pending, podIP: 10.1.1.2}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: other, namespace: elsewhere, labels: {app: web}}
        status: {phase: Running, podIP: 10.9.9.9}
        """);
    MeshService web = only(r, "web.shop.svc.cluster.local");
    assertThat(web.addresses()).containsExactly("10.96.5.5");
    assertThat(web.kubernetes()).isTrue();
    assertThat(web.port(80).orElseThrow().protocol()).isEqualTo(ServiceProtocol.HTTP);
    assertThat(web.port(9000).orElseThrow().protocol()).isEqualTo(ServiceProtocol.GRPC);
    assertThat(endpoints(r, web, 80)).containsExactly("10.1.1.1:8080", "10.1.1.2:8081");
    assertThat(endpoints(r, web, 9000)).containsExactly("10.1.1.1:9090", "10.1.1.2:9090");
    var a = r.endpoints(web, 80).getFirst().workload();
    assertThat(a.healthy()).isTrue();
    assertThat(a.serviceAccount()).isEqualTo("web-sa");
    assertThat(r.endpoints(web, 80).get(1).workload().healthy()).as("a Pending pod").isFalse();
    assertThat(r.servicesSelecting("shop", Map.of("app", "web", "version", "a"))).containsExactly(web);
    assertThat(r.servicesSelecting("elsewhere", Map.of("app", "web"))).isEmpty();
  }

  @Test
  void endpointSlicesWinOverTheSelector() {
    ServiceRegistry r = registry("""
        apiVersion: v1
        kind: Service
        metadata: {name: db, namespace: default}
        spec:
          ports: [{name: tcp, port: 5432}]
          selector: {app: db}
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: db-1, namespace: default, labels: {kubernetes.io/service-name: db}}
        addressType: IPv4
        endpoints:
        - {addresses: [10.3.0.1], conditions: {ready: true}, zone: us-east-1a}
        - {addresses: [10.3.0.2], conditions: {ready: false}}
        ports: [{name: tcp, port: 15432}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: ignored, namespace: default, labels: {app: db}}
        status: {phase: Running, podIP: 10.3.0.9}
        """);
    MeshService db = only(r, "db.default.svc.cluster.local");
    assertThat(db.addresses()).as("no cluster IP written").isEmpty();
    assertThat(endpoints(r, db, 5432)).containsExactly("10.3.0.1:15432", "10.3.0.2:15432");
    assertThat(r.endpoints(db, 5432).get(1).workload().healthy()).isFalse();
    assertThat(r.endpoints(db, 5432).getFirst().workload().locality()).isEqualTo("us-east-1a");
  }

  @Test
  void headlessAndExternalNameServices() {
    ServiceRegistry r = registry("""
        apiVersion: v1
        kind: Service
        metadata: {name: headless, namespace: default}
        spec: {clusterIP: None, ports: [{name: http, port: 80}], selector: {app: h}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ext, namespace: default}
        spec: {type: ExternalName, externalName: api.example.com, ports: [{name: https, port: 443}]}
        """);
    assertThat(only(r, "headless.default.svc.cluster.local").resolution()).isEqualTo(MeshService.Resolution.NONE);
    MeshService ext = only(r, "ext.default.svc.cluster.local");
    assertThat(ext.resolution()).isEqualTo(MeshService.Resolution.DNS);
    assertThat(endpoints(r, ext, 443)).containsExactly("api.example.com:443");
  }

  @Test
  void serviceEntryInlineEndpointsWithPortMapsWeightsAndLocality() {
    ServiceRegistry r = registry("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: vms, namespace: apps}
        spec:
          hosts: [vm.internal, vm-alias.internal]
          addresses: [240.0.0.1]
          ports: [{number: 80, name: http, protocol: HTTP, targetPort: 8000}]
          location: MESH_INTERNAL
          resolution: STATIC
          endpoints:
          - {address: 10.0.0.1, weight: 3, locality: us/a}
          - {address: 10.0.0.2, ports: {http: 9999}}
        """);
    MeshService vm = only(r, "vm.internal");
    assertThat(only(r, "vm-alias.internal").ports()).isEqualTo(vm.ports());
    assertThat(vm.meshExternal()).isFalse();
    assertThat(endpoints(r, vm, 80)).containsExactly("10.0.0.1:8000", "10.0.0.2:9999");
    assertThat(r.endpoints(vm, 80).getFirst().workload().weight()).isEqualTo(3);
    assertThat(r.endpoints(vm, 80).getFirst().workload().locality()).isEqualTo("us/a");
  }

  @Test
  void serviceEntryWorkloadSelectorFindsWorkloadEntriesAndPods() {
    ServiceRegistry r = registry("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: api, namespace: vm}
        spec:
          hosts: [api.vm.svc.cluster.local]
          ports: [{number: 8080, name: http, protocol: HTTP}]
          resolution: STATIC
          workloadSelector: {labels: {app: api}}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: api-vm-1, namespace: vm}
        spec: {address: 192.168.0.10, labels: {app: api}, serviceAccount: api-sa, ports: {http: 18080}}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: api-pod, namespace: vm, labels: {app: api}}
        status: {phase: Running, podIP: 10.4.0.1}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata: {name: other, namespace: vm}
        spec: {address: 192.168.0.99, labels: {app: other}}
        """);
    MeshService api = only(r, "api.vm.svc.cluster.local");
    assertThat(endpoints(r, api, 8080)).containsExactly("10.4.0.1:8080", "192.168.0.10:18080");
  }

  @Test
  void workloadEntriesOwnedByAGroupTakeItsTemplate() {
    ServiceRegistry r = registry("""
        apiVersion: networking.istio.io/v1
        kind: WorkloadGroup
        metadata: {name: reviews-vm, namespace: default}
        spec:
          metadata: {labels: {app: reviews, version: vm}}
          template: {serviceAccount: reviews-sa, ports: {http: 9081}}
        ---
        apiVersion: networking.istio.io/v1
        kind: WorkloadEntry
        metadata:
          name: reviews-vm-1
          namespace: default
          ownerReferences: [{apiVersion: networking.istio.io/v1, kind: WorkloadGroup, name: reviews-vm, uid: x}]
        spec: {address: 192.168.1.1}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: default}
        spec: {ports: [{name: http, port: 9080}], selector: {app: reviews}}
        """);
    Workload w = r.workloads().getFirst();
    assertThat(w.labels()).containsEntry("app", "reviews").containsEntry("version", "vm");
    assertThat(w.serviceAccount()).isEqualTo("reviews-sa");
    assertThat(endpoints(r, only(r, "reviews.default.svc.cluster.local"), 9080)).containsExactly("192.168.1.1:9080");
  }

  @Test
  void dnsServiceEntryWithoutEndpointsResolvesItsHost() {
    ServiceRegistry r = registry("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: google, namespace: default}
        spec:
          hosts: [www.google.com]
          ports: [{number: 443, name: https, protocol: HTTPS}]
          location: MESH_EXTERNAL
          resolution: DNS
          exportTo: ["."]
        """);
    MeshService g = only(r, "www.google.com");
    assertThat(g.meshExternal()).isTrue();
    assertThat(endpoints(r, g, 443)).containsExactly("www.google.com:443");
    assertThat(g.visibleTo("default")).isTrue();
    assertThat(g.visibleTo("other")).isFalse();
  }

  @Test
  void shortHostsInAServiceEntryAreQualifiedInItsNamespace() {
    ServiceRegistry r = registry("""
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: short, namespace: team}
        spec:
          hosts: [billing]
          ports: [{number: 80, name: http}]
          resolution: STATIC
          endpoints: [{address: 10.0.0.1}]
        """);
    assertThat(r.byHost("billing.team.svc.cluster.local")).hasSize(1);
  }

  @ParameterizedTest(name = "port name {0}, appProtocol {1} → {2}")
  @CsvSource({"http, , HTTP", "http-web, , HTTP", "http2, , HTTP2", "grpc-api, , GRPC", "grpc-web, , GRPC_WEB", "https, , HTTPS",
      "tls-db, , TLS", "tcp, , TCP", "mongo, , MONGO", "web, , UNKNOWN", "web, http, HTTP", "http, kubernetes.io/h2c, HTTP2", ", , UNKNOWN"})
  void protocolsFollowIstiosNamingRules(String name, String appProtocol, ServiceProtocol expected) {
    assertThat(ServiceProtocol.forKubernetesPort(name, appProtocol, false)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} covers {1}: {2}")
  @CsvSource({"*, a.com, true", "*.a.com, b.a.com, true", "*.a.com, a.com, false", "*.a.com, *.b.a.com, true", "a.com, a.com, true",
      "a.com, b.com, false", "*.b.a.com, *.a.com, false"})
  void wildcardHostsCoverBySuffix(String pattern, String host, boolean covers) {
    assertThat(HostNames.covers(pattern, host)).isEqualTo(covers);
  }
}
