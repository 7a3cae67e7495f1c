package io.trellis.bench.controlplane;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;

/**
 * The xDS node a simulated sidecar presents, shaped like an Istio sidecar's: id
 * {@code sidecar~IP~POD.NAMESPACE~NAMESPACE.svc.cluster.local} and the metadata keys istio-agent
 * sends (NAMESPACE, NAME, LABELS, SERVICE_ACCOUNT, INSTANCE_IPS, CLUSTER_ID, ISTIO_VERSION).
 */
public record SidecarIdentity(String pod, String namespace, String ip, String app, String version) {

  /** Proxy {@code i} of a fleet spread over {@code namespaces} namespaces, each its own workload. */
  public static SidecarIdentity of(int i, int namespaces) {
    String ns = "ns-" + (i % namespaces);
    String ip = "10.128." + (i / 250) + "." + (i % 250 + 1);
    return new SidecarIdentity("bench-proxy-" + i, ns, ip, "bench-proxy-" + i, "v1");
  }

  /**
   * Proxy {@code i} as a pod of the mesh's own services, the way a real mesh's sidecars are: the
   * sidecar of service {@code i mod N}, replica v1 or v2 in turn, in that service's namespace, at
   * that endpoint's address (with M = 2N every endpoint has exactly one sidecar).
   */
  public static SidecarIdentity ofWorkload(MeshConfig mesh, int i) {
    int service = i % mesh.services();
    int replica = (i / mesh.services()) % 2;
    return new SidecarIdentity(
        mesh.name(service) + "-" + i,
        mesh.namespace(service),
        MeshConfig.endpoint(service, replica + 1),
        mesh.name(service),
        replica == 0 ? "v1" : "v2");
  }

  public Node node() {
    Struct labels =
        Struct.newBuilder()
            .putFields("app", str(app))
            .putFields("version", str(version))
            .build();
    Struct metadata =
        Struct.newBuilder()
            .putFields("NAMESPACE", str(namespace))
            .putFields("NAME", str(pod))
            .putFields("LABELS", Value.newBuilder().setStructValue(labels).build())
            .putFields("SERVICE_ACCOUNT", str("default"))
            .putFields("INSTANCE_IPS", str(ip))
            .putFields("CLUSTER_ID", str("Kubernetes"))
            .putFields("ISTIO_VERSION", str("1.24.0"))
            .putFields("PROXY_CONFIG", Value.newBuilder().setStructValue(Struct.getDefaultInstance()).build())
            .putFields("WORKLOAD_NAME", str(app))
            .putFields("APP_CONTAINERS", Value.newBuilder().setListValue(ListValue.getDefaultInstance()).build())
            .build();
    return Node.newBuilder()
        .setId("sidecar~" + ip + "~" + pod + "." + namespace + "~" + namespace + ".svc.cluster.local")
        .setCluster(app + "." + namespace)
        .setMetadata(metadata)
        .build();
  }

  private static Value str(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
