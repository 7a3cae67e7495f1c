package io.trellis.control.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.model.PushContextFactory;
import io.trellis.control.sim.Mesh;
import io.trellis.control.xds.ProxyStatus.SyncState;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The case VHDS is for, at the control-plane benchmark's scale: 1000 services on port 8080, one
 * VirtualService edited. A state-of-the-world sidecar is re-sent the whole route configuration; a
 * delta sidecar gets the one virtual host that changed. Prints both response sizes.
 */
class VhdsMeshScaleTest {
  private static final int SERVICES = 1000;
  private static final int CHANGED = 500;

  private static String name(int i) {
    return String.format("svc-%05d", i);
  }

  private static String namespace(int i) {
    return "ns-" + (i % 10);
  }

  private static String service(int i, String subset) {
    return """
        apiVersion: networking.istio.io/v1
        kind: ServiceEntry
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          hosts: [%1$s.%2$s.svc.cluster.local]
          location: MESH_INTERNAL
          resolution: STATIC
          ports: [{number: 8080, name: http, protocol: HTTP}]
          endpoints:
          - {address: 10.0.%3$d.1, labels: {version: v1}}
          - {address: 10.0.%3$d.2, labels: {version: v2}}
        ---
        apiVersion: networking.istio.io/v1
        kind: VirtualService
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          hosts: [%1$s.%2$s.svc.cluster.local]
          http:
          - route:
            - destination: {host: %1$s.%2$s.svc.cluster.local, subset: %4$s}
        """.formatted(name(i), namespace(i), i % 250, subset);
  }

  private static Node node(String id) {
    return Node.newBuilder().setId(id).setUserAgentName("envoy").build();
  }

  @Test
  void aVirtualServiceChangeSendsOneVirtualHostInsteadOfTheRouteConfiguration() throws Exception {
    Mesh mesh = Mesh.create();
    for (int i = 0; i < SERVICES; i++) {
      mesh.yaml(name(i) + ".yaml", service(i, "v1"));
    }
    PushContextFactory contexts = new PushContextFactory();
    XdsServer server =
        XdsServer.builder()
            .port(0)
            .generator(contexts.create(new ConfigSnapshot(1, mesh.snapshot().resources(), List.of())))
            .pushExecutor(Runnable::run)
            .start();
    try (AdsTestClient sotw = AdsTestClient.sotw(server.port(), node("sidecar~10.9.0.1~client-0.ns-0~ns-0.svc.cluster.local"));
        AdsTestClient delta = AdsTestClient.delta(server.port(), node("sidecar~10.9.0.2~client-1.ns-0~ns-0.svc.cluster.local"))) {
      sotw.subscribe(XdsType.ROUTE, "8080");
      DiscoveryResponse sotwInitial = sotw.next(XdsType.ROUTE);
      sotw.ack(sotwInitial, "8080");
      delta.deltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(XdsType.ROUTE.typeUrl()).addResourceNamesSubscribe("8080"));
      DeltaDiscoveryResponse rds = delta.nextDelta();
      delta.deltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(XdsType.ROUTE.typeUrl()).setResponseNonce(rds.getNonce()));
      delta.deltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(XdsType.VIRTUAL_HOST.typeUrl()).addResourceNamesSubscribe("8080"));
      DeltaDiscoveryResponse vhdsInitial = delta.nextDelta();
      assertThat(vhdsInitial.getResourcesCount()).isEqualTo(SERVICES + 1);
      delta.deltaRequest(DeltaDiscoveryRequest.newBuilder().setTypeUrl(XdsType.VIRTUAL_HOST.typeUrl()).setResponseNonce(vhdsInitial.getNonce()));
      await().until(() -> server.status().size() == 2 && server.status().stream().allMatch(s ->
          s.types().get(XdsType.ROUTE.typeUrl()).state() == SyncState.SYNCED
              && (!s.delta() || s.types().get(XdsType.VIRTUAL_HOST.typeUrl()).state() == SyncState.SYNCED)));

      mesh.yaml(name(CHANGED) + ".yaml", service(CHANGED, "v2"));
      server.update(
          contexts.create(new ConfigSnapshot(2, mesh.snapshot().resources(), List.of())), PushScope.full(Set.of(), Instant.now()));

      DiscoveryResponse sotwChange = sotw.next(XdsType.ROUTE);
      DeltaDiscoveryResponse deltaChange = delta.nextDelta();
      assertThat(deltaChange.getTypeUrl()).isEqualTo(XdsType.VIRTUAL_HOST.typeUrl());
      String changed = "8080/" + name(CHANGED) + "." + namespace(CHANGED) + ".svc.cluster.local:8080";
      assertThat(deltaChange.getResourcesList()).extracting(Resource::getName).containsExactly(changed);
      int sotwBytes = sotwChange.getSerializedSize();
      int deltaBytes = deltaChange.getSerializedSize();
      System.out.printf(
          "VHDS at %d services, one VirtualService changed: state-of-the-world RDS response %d bytes, delta VHDS response"
              + " %d bytes (%.0fx smaller); for 2000 sidecars %.1f MB vs %.1f MB%n",
          SERVICES, sotwBytes, deltaBytes, (double) sotwBytes / deltaBytes, sotwBytes * 2000 / 1e6, deltaBytes * 2000 / 1e6);
      assertThat(deltaBytes).isLessThan(sotwBytes / 100);
    } finally {
      server.close();
    }
  }
}
