package io.trellis.control.translate;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.trellis.control.sim.Mesh;
import io.trellis.control.sim.XdsJson;
import io.trellis.control.xds.ProxyNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden tests: for every configuration in Istio's samples (Bookinfo networking, and the
 * must-accept set {@code tests/testdata/config}), together with the Bookinfo registry, the xDS
 * generated for the reference sidecar (productpage v1 in default) and the reference ingress
 * gateway is compared with the JSON recorded under {@code src/test/resources/golden}. Run with
 * {@code -Dgolden.update=true} to rewrite them after an intended change, then review the diff.
 */
class GoldenTest {
  private static final boolean UPDATE = Boolean.getBoolean("golden.update");

  static Path moduleDir() {
    Path dir = Path.of("").toAbsolutePath();
    return Files.isDirectory(dir.resolve("src/test/resources")) ? dir : dir.resolve("control");
  }

  /** {@code <repo root>/../shared/istio-samples}; skipped when absent unless {@code CI=true}. */
  static Path samples() {
    Path samples = moduleDir().getParent().getParent().resolve("shared/istio-samples");
    if (!Files.isDirectory(samples)) {
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError("Istio samples missing at " + samples + " (CI requires them)");
      }
      Assumptions.assumeTrue(false, "Istio samples not found at " + samples);
    }
    return samples;
  }

  @TestFactory
  Stream<DynamicTest> bookinfoNetworking() throws IOException {
    return goldens("bookinfo", samples().resolve("samples/bookinfo/networking"));
  }

  @TestFactory
  Stream<DynamicTest> mustAcceptConfig() throws IOException {
    return goldens("config", samples().resolve("tests/testdata/config"));
  }

  /**
   * The whole must-accept set at once (resources across files refer to each other: a
   * VirtualService in one file binds a Gateway in another), for one proxy of every kind it has
   * configuration for.
   */
  @TestFactory
  Stream<DynamicTest> mustAcceptConfigTogether() throws IOException {
    Path dir = samples().resolve("tests/testdata/config");
    Map<String, ProxyNode> proxies = new LinkedHashMap<>();
    proxies.put("sidecar-default", Mesh.productpage());
    proxies.put("sidecar-testns", Mesh.sidecar("testns", Map.of("app", "a", "version", "v1")));
    proxies.put("sidecar-seexamples", Mesh.sidecar("seexamples", Map.of("app", "test")));
    proxies.put("gateway-ingressgateway", Mesh.ingressGateway());
    proxies.put("gateway-ingress", gateway("testns", Map.of("istio", "ingress")));
    proxies.put("gateway-egressgateway", gateway("istio-system", Map.of("istio", "egressgateway")));
    proxies.put("gateway-my-gateway-controller", gateway("default", Map.of("app", "my-gateway-controller")));
    proxies.put("grpc-default", Mesh.grpcClient("default"));
    List<DynamicTest> tests = new ArrayList<>();
    for (var e : proxies.entrySet()) {
      tests.add(DynamicTest.dynamicTest("config/all " + e.getKey(), () -> {
        String actual = XdsJson.print(Mesh.bookinfo().directory(dir).generate(e.getValue()));
        compare(moduleDir().resolve("src/test/resources/golden/config-all").resolve(e.getKey() + ".json"), actual, e.getKey() + " with all of " + dir);
      }));
    }
    return tests.stream();
  }

  private static ProxyNode gateway(String namespace, Map<String, String> labels) {
    Struct.Builder l = Struct.newBuilder();
    labels.forEach((k, v) -> l.putFields(k, Value.newBuilder().setStringValue(v).build()));
    return ProxyNode.fromNode(
        Node.newBuilder()
            .setId("router~10.1.9.2~gw-0." + namespace + "~" + namespace + ".svc.cluster.local")
            .setMetadata(
                Struct.newBuilder()
                    .putFields("NAMESPACE", Value.newBuilder().setStringValue(namespace).build())
                    .putFields("LABELS", Value.newBuilder().setStructValue(l).build()))
            .build());
  }

  private static void compare(Path golden, String actual, String what) throws IOException {
    if (UPDATE) {
      Files.createDirectories(golden.getParent());
      Files.writeString(golden, actual);
      return;
    }
    assertThat(golden).as("golden file (create with -Dgolden.update=true)").exists();
    assertThat(actual).as("xDS for %s differs from %s", what, golden).isEqualTo(Files.readString(golden));
  }

  private static Stream<DynamicTest> goldens(String group, Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).isNotEmpty();
    List<DynamicTest> tests = new ArrayList<>();
    for (Path f : files) {
      String base = f.getFileName().toString().replace(".yaml", "");
      tests.add(DynamicTest.dynamicTest(group + "/" + base + " sidecar", () -> check(group, base, "sidecar", f, Mesh.productpage())));
      tests.add(DynamicTest.dynamicTest(group + "/" + base + " gateway", () -> check(group, base, "gateway", f, Mesh.ingressGateway())));
    }
    return tests.stream();
  }

  /**
   * The registry plus the configuration under test. Bookinfo's routing files name subsets, so, as
   * Istio's tasks do, they are applied over {@code destination-rule-all.yaml} (a DestinationRule
   * file under test replaces the rules of the same name).
   */
  private static Mesh mesh(String group, Path config) {
    Mesh mesh = Mesh.bookinfo();
    if (group.equals("bookinfo")) {
      mesh.file(config.resolveSibling("destination-rule-all.yaml"));
    }
    return mesh.file(config);
  }

  private static void check(String group, String base, String proxy, Path config, ProxyNode node) throws IOException {
    String actual = XdsJson.print(mesh(group, config).generate(node));
    // Generation is deterministic: a second, independent push context gives byte-equal output.
    assertThat(XdsJson.print(mesh(group, config).generate(node))).isEqualTo(actual);
    Path golden = moduleDir().resolve("src/test/resources/golden").resolve(group).resolve(base + "." + proxy + ".json");
    compare(golden, actual, proxy + " with " + config.getFileName());
  }
}
