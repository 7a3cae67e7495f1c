package io.trellis.control.sim;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.trellis.api.load.ConfigLoader;
import io.trellis.api.load.LoadResult;
import io.trellis.api.model.Resource;
import io.trellis.api.model.ResourceKey;
import io.trellis.control.config.ConfigSnapshot;
import io.trellis.control.model.PushContext;
import io.trellis.control.xds.ProxyNode;
import io.trellis.control.xds.XdsResources;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Test fixture: configuration loaded from YAML (test resources, files, or inline text) into a
 * snapshot and push context, and reference proxies to generate for.
 */
public final class Mesh {
  private final Map<ResourceKey, Resource<?>> resources = new TreeMap<>();

  public static Mesh create() {
    return new Mesh();
  }

  /** Istio's Bookinfo as a cluster publishes it (test resource {@code registry/bookinfo-registry.yaml}). */
  public static Mesh bookinfo() {
    return create().resource("registry/bookinfo-registry.yaml");
  }

  public Mesh resource(String classpathName) {
    try (var in = Mesh.class.getClassLoader().getResourceAsStream(classpathName)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + classpathName);
      }
      return yaml(classpathName, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every YAML file in a directory, in name order (a later resource with the same key wins). */
  public Mesh directory(Path dir) {
    try (var files = Files.list(dir)) {
      files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(this::file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }

  public Mesh file(Path file) {
    try {
      return yaml(file.toString(), Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds every resource of a YAML text that loads without errors (as the config store would). */
  public Mesh yaml(String name, String text) {
    LoadResult r = new ConfigLoader().load(name, text);
    for (Resource<?> res : r.resources()) {
      if (r.isClean(res)) {
        resources.put(res.key(), res);
      }
    }
    return this;
  }

  /** Removes one resource, as deleting its file would. */
  public Mesh remove(String kind, String namespace, String name) {
    resources.remove(new ResourceKey(kind, namespace, name));
    return this;
  }

  public Mesh yaml(String text) {
    return yaml("inline.yaml", text);
  }

  public ConfigSnapshot snapshot() {
    return new ConfigSnapshot(1, resources, List.of());
  }

  public PushContext push() {
    return PushContext.build(snapshot());
  }

  /** A sidecar of {@code app}/{@code version} in {@code namespace}, as Istio's agent describes it. */
  public static ProxyNode sidecar(String namespace, Map<String, String> labels) {
    return node("sidecar~10.1.9.9~" + labels.getOrDefault("app", "pod") + "-0." + namespace + "~" + namespace + ".svc.cluster.local", namespace, labels, null);
  }

  /** The reference sidecar: productpage v1 in default, the client of Bookinfo's other services. */
  public static ProxyNode productpage() {
    return sidecar("default", Map.of("app", "productpage", "version", "v1"));
  }

  /** The reference ingress gateway: istio-system, {@code istio: ingressgateway}. */
  public static ProxyNode ingressGateway() {
    return node(
        "router~10.1.9.1~istio-ingressgateway-0.istio-system~istio-system.svc.cluster.local",
        "istio-system",
        Map.of("app", "istio-ingressgateway", "istio", "ingressgateway"),
        null);
  }

  public static ProxyNode grpcClient(String namespace) {
    return node("sidecar~10.1.9.8~grpc-client-0." + namespace + "~" + namespace + ".svc.cluster.local", namespace, Map.of("app", "grpc-client"), "grpc");
  }

  public static ProxyNode node(String id, String namespace, Map<String, String> labels, String generator) {
    Struct.Builder l = Struct.newBuilder();
    labels.forEach((k, v) -> l.putFields(k, Value.newBuilder().setStringValue(v).build()));
    Struct.Builder md =
        Struct.newBuilder()
            .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
            .putFields("LABELS", Value.newBuilder().setStructValue(l).build());
    if (generator != null) {
      md.putFields("GENERATOR", Value.newBuilder().setStringValue(generator).build());
    }
    return ProxyNode.fromNode(io.envoyproxy.envoy.config.core.v3.Node.newBuilder().setId(id).setMetadata(md).build());
  }

  public XdsResources generate(ProxyNode node) {
    return push().generate(node);
  }

  public List<Resource<?>> resources() {
    return new ArrayList<>(resources.values());
  }
}
