package io.trellis.control.xds;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A connected proxy as the control plane sees it: who it is and what it serves, parsed from the xDS
 * {@code Node} it sends on its first request, the way Istio's sidecars, gateways and proxyless gRPC
 * clients fill it in.
 *
 * <p>Istio's node id is {@code TYPE~IP~POD.NAMESPACE~NAMESPACE.svc.cluster.local}, e.g. {@code
 * sidecar~10.1.2.3~reviews-v1-7d8f.default~default.svc.cluster.local}; TYPE is {@code sidecar} or
 * {@code router} (a gateway). The node metadata carries the rest under Istio's keys: {@code
 * NAMESPACE}, {@code LABELS} (a struct of strings), {@code SERVICE_ACCOUNT}, {@code CLUSTER_ID},
 * {@code INSTANCE_IPS} (comma-separated), {@code NAME} (the pod name) and, for proxyless gRPC,
 * {@code GENERATOR: grpc}.
 *
 * <p>Defaults when something is missing (so a bare xDS client still gets configuration):
 *
 * <ul>
 *   <li>kind: {@link Kind#ROUTER} when the id's type is {@code router}; {@link
 *       Kind#PROXYLESS_GRPC} when metadata {@code GENERATOR} is {@code grpc} or the node's {@code
 *       user_agent_name} starts with {@code gRPC} (grpc-java sends "gRPC Java", grpc-go "gRPC Go");
 *       otherwise {@link Kind#SIDECAR}.
 *   <li>namespace: metadata {@code NAMESPACE}, else the part after the last dot of the id's third
 *       field ({@code reviews-v1-7d8f.default}), else the first label of the id's domain, else
 *       {@value #DEFAULT_NAMESPACE}.
 *   <li>service account: metadata {@code SERVICE_ACCOUNT}, else {@value #DEFAULT_SERVICE_ACCOUNT}.
 *   <li>cluster id: metadata {@code CLUSTER_ID}, else {@value #DEFAULT_CLUSTER_ID} (Istio's default).
 *   <li>IP addresses: metadata {@code INSTANCE_IPS}, else the id's IP field, else none.
 *   <li>labels: metadata {@code LABELS}, else none. Pod name: metadata {@code NAME}, else the id's
 *       third field up to its last dot, else the whole id.
 *   <li>DNS domain: the id's fourth field, else {@code NAMESPACE.svc.cluster.local}.
 * </ul>
 *
 * @param id the node id exactly as sent
 * @param kind sidecar, gateway (router) or proxyless gRPC client
 * @param podName the workload instance name
 * @param namespace the proxy's namespace
 * @param dnsDomain the proxy's DNS domain, used to resolve short host names
 * @param labels the workload's labels (immutable, sorted)
 * @param serviceAccount the workload's Kubernetes service account name
 * @param clusterId the cluster the proxy runs in
 * @param ipAddresses the workload's IP addresses (immutable)
 * @param userAgent the node's user agent name, e.g. {@code envoy} or {@code gRPC Java}
 * @param metadata the raw node metadata, for generators that need a key this record does not parse
 * @param delta whether the proxy is served over a delta ADS stream, which is what lets it get route
 *     configurations over VHDS ({@link Vhds}); set by the server, not sent by the proxy
 */
public record ProxyNode(
    String id,
    Kind kind,
    String podName,
    String namespace,
    String dnsDomain,
    Map<String, String> labels,
    String serviceAccount,
    String clusterId,
    List<String> ipAddresses,
    String userAgent,
    Struct metadata,
    boolean delta) {

  public static final String DEFAULT_NAMESPACE = "default";
  public static final String DEFAULT_SERVICE_ACCOUNT = "default";
  public static final String DEFAULT_CLUSTER_ID = "Kubernetes";

  /** What kind of xDS client this is; decides which generator output fits it. */
  public enum Kind {
    /** A proxy beside a workload (Istio node type {@code sidecar}). */
    SIDECAR,
    /** A gateway at the mesh edge (Istio node type {@code router}). */
    ROUTER,
    /** A gRPC client or server using xDS directly, without a proxy (api_listener resources). */
    PROXYLESS_GRPC
  }

  public ProxyNode {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(podName, "podName");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(dnsDomain, "dnsDomain");
    labels = Collections.unmodifiableMap(new TreeMap<>(labels));
    Objects.requireNonNull(serviceAccount, "serviceAccount");
    Objects.requireNonNull(clusterId, "clusterId");
    ipAddresses = List.copyOf(ipAddresses);
    Objects.requireNonNull(userAgent, "userAgent");
    Objects.requireNonNull(metadata, "metadata");
  }

  /**
   * Parses a node as sent in the first xDS request of a stream (as a state-of-the-world proxy; see
   * {@link #withDelta}).
   *
   * @throws IllegalArgumentException when the node has no id (the server cannot tell proxies apart)
   */
  public static ProxyNode fromNode(Node node) {
    String id = node.getId();
    if (id.isEmpty()) {
      throw new IllegalArgumentException("xDS node has no id (expected: e.g. sidecar~10.0.0.1~pod.ns~ns.svc.cluster.local)");
    }
    Struct md = node.getMetadata();
    String[] parts = id.split("~", -1);
    boolean istioId = parts.length == 4;
    String idType = istioId ? parts[0].toLowerCase(Locale.ROOT) : "";
    String idIp = istioId ? parts[1] : "";
    String idPod = istioId ? parts[2] : "";
    String idDomain = istioId ? parts[3] : "";

    String userAgent = node.getUserAgentName();
    Kind kind;
    if (idType.equals("router")) {
      kind = Kind.ROUTER;
    } else if ("grpc".equalsIgnoreCase(string(md, "GENERATOR")) || userAgent.startsWith("gRPC")) {
      kind = Kind.PROXYLESS_GRPC;
    } else {
      kind = Kind.SIDECAR;
    }

    String namespace = string(md, "NAMESPACE");
    if (namespace.isEmpty() && idPod.lastIndexOf('.') > 0) {
      namespace = idPod.substring(idPod.lastIndexOf('.') + 1);
    }
    if (namespace.isEmpty() && idDomain.indexOf('.') > 0) {
      namespace = idDomain.substring(0, idDomain.indexOf('.'));
    }
    if (namespace.isEmpty()) {
      namespace = DEFAULT_NAMESPACE;
    }

    String podName = string(md, "NAME");
    if (podName.isEmpty()) {
      podName = idPod.lastIndexOf('.') > 0 ? idPod.substring(0, idPod.lastIndexOf('.')) : idPod;
    }
    if (podName.isEmpty()) {
      podName = id;
    }

    String dnsDomain = idDomain.isEmpty() ? namespace + ".svc.cluster.local" : idDomain;

    Map<String, String> labels = new TreeMap<>();
    Value labelsValue = md.getFieldsMap().get("LABELS");
    if (labelsValue != null && labelsValue.hasStructValue()) {
      labelsValue
          .getStructValue()
          .getFieldsMap()
          .forEach((k, v) -> labels.put(k, v.hasStringValue() ? v.getStringValue() : v.toString().strip()));
    }

    String serviceAccount = orDefault(string(md, "SERVICE_ACCOUNT"), DEFAULT_SERVICE_ACCOUNT);
    String clusterId = orDefault(string(md, "CLUSTER_ID"), DEFAULT_CLUSTER_ID);

    List<String> ips = new ArrayList<>();
    for (String ip : string(md, "INSTANCE_IPS").split(",")) {
      if (!ip.isBlank()) {
        ips.add(ip.strip());
      }
    }
    if (ips.isEmpty() && !idIp.isEmpty()) {
      ips.add(idIp);
    }

    return new ProxyNode(
        id, kind, podName, namespace, dnsDomain, labels, serviceAccount, clusterId, ips, userAgent, md, false);
  }

  /** This proxy as served over a delta stream ({@code true}) or a state-of-the-world one. */
  public ProxyNode withDelta(boolean delta) {
    return delta == this.delta
        ? this
        : new ProxyNode(
            id, kind, podName, namespace, dnsDomain, labels, serviceAccount, clusterId, ipAddresses, userAgent, metadata, delta);
  }

  private static String string(Struct md, String key) {
    Value v = md.getFieldsMap().get(key);
    return v != null && v.hasStringValue() ? v.getStringValue() : "";
  }

  private static String orDefault(String value, String fallback) {
    return value.isEmpty() ? fallback : value;
  }
}
