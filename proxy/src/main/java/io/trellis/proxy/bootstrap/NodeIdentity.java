package io.trellis.proxy.bootstrap;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.Map;
import java.util.TreeMap;

/**
 * Who a proxy is, told to the control plane in the xDS node exactly as Istio's sidecars tell istiod:
 * the node id {@code sidecar~IP~POD.NAMESPACE~NAMESPACE.svc.cluster.local} ({@code router~…} for
 * gateways) and metadata keys {@code NAMESPACE}, {@code LABELS}, {@code SERVICE_ACCOUNT},
 * {@code CLUSTER_ID}, {@code NAME}, {@code INSTANCE_IPS} and the build's {@code TRELLIS_VERSION}. The
 * control plane selects configuration (Sidecar scopes, gateways, workload selectors) by these.
 *
 * @param idOverride a node id to use instead of the generated one, or {@code null}
 */
public record NodeIdentity(
    Role role,
    String ip,
    String podName,
    String namespace,
    Map<String, String> labels,
    String serviceAccount,
    String clusterId,
    String version,
    String idOverride) {

  /** Sidecar beside a workload, or gateway at the edge (Istio's {@code router}). */
  public enum Role {
    SIDECAR("sidecar"),
    GATEWAY("router");

    private final String nodeType;

    Role(String nodeType) {
      this.nodeType = nodeType;
    }

    public String nodeType() {
      return nodeType;
    }
  }

  public static final String DEFAULT_CLUSTER_ID = "Kubernetes";

  public NodeIdentity {
    require("role", role);
    require("ip", ip);
    require("pod name", podName);
    require("namespace", namespace);
    labels = Map.copyOf(labels);
    serviceAccount = serviceAccount == null || serviceAccount.isEmpty() ? "default" : serviceAccount;
    clusterId = clusterId == null || clusterId.isEmpty() ? DEFAULT_CLUSTER_ID : clusterId;
    version = version == null ? "" : version;
  }

  private static void require(String what, Object value) {
    if (value == null || value.toString().isEmpty()) {
      throw new IllegalArgumentException(what + ": '" + value + "' (expected: non-empty)");
    }
  }

  public String nodeId() {
    if (idOverride != null && !idOverride.isEmpty()) {
      return idOverride;
    }
    return role.nodeType() + "~" + ip + "~" + podName + "." + namespace + "~" + namespace + ".svc.cluster.local";
  }

  /** Istio's service cluster: the workload's {@code app} label (or the pod name) dot namespace. */
  public String serviceCluster() {
    return labels.getOrDefault("app", podName) + "." + namespace;
  }

  public Node toNode() {
    Struct.Builder labelStruct = Struct.newBuilder();
    new TreeMap<>(labels).forEach((k, v) -> labelStruct.putFields(k, string(v)));
    Struct metadata =
        Struct.newBuilder()
            .putFields("NAMESPACE", string(namespace))
            .putFields("LABELS", Value.newBuilder().setStructValue(labelStruct).build())
            .putFields("SERVICE_ACCOUNT", string(serviceAccount))
            .putFields("CLUSTER_ID", string(clusterId))
            .putFields("NAME", string(podName))
            .putFields("INSTANCE_IPS", string(ip))
            .putFields("TRELLIS_VERSION", string(version))
            .build();
    return Node.newBuilder().setId(nodeId()).setCluster(serviceCluster()).setMetadata(metadata).build();
  }

  private static Value string(String s) {
    return Value.newBuilder().setStringValue(s).build();
  }
}
