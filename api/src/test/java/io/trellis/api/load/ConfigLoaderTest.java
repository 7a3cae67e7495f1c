package io.trellis.api.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trellis.api.model.Resource;
import io.trellis.api.model.ResourceKey;
import io.trellis.api.model.kube.Deployment;
import io.trellis.api.model.kube.Service;
import io.trellis.api.model.networking.DestinationRule;
import io.trellis.api.model.networking.VirtualService;
import io.trellis.api.model.security.PeerAuthentication;
import io.trellis.api.validate.Problem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private final ConfigLoader loader = new ConfigLoader();

  private static List<String> messages(LoadResult result) {
    return result.problems().stream().map(Problem::format).toList();
  }

  @Test
  void bindsTypedFieldsAndLocatesEveryField() {
    LoadResult result =
        loader.load(
            "vs.yaml",
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: shop
            spec:
              hosts: [reviews]
              http:
              - timeout: 1.5s
                route:
                - destination: {host: reviews, subset: v1}
                  weight: 80
                - destination:
                    host: reviews
                    subset: v2
                  weight: 20
            """);
    assertThat(result.problems()).isEmpty();
    Resource<VirtualService> vs = result.ofType(VirtualService.class).getFirst();
    assertThat(vs.key()).isEqualTo(new ResourceKey("VirtualService", "shop", "reviews"));
    assertThat(vs.group()).isEqualTo("networking.istio.io");
    assertThat(vs.version()).isEqualTo("v1");
    VirtualService.HttpRoute route = vs.spec().http().getFirst();
    assertThat(route.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(route.route()).extracting(VirtualService.HttpRouteDestination::weight).containsExactly(80, 20);
    assertThat(route.route().get(1).destination().subset()).isEqualTo("v2");
    assertThat(vs.line("spec.http[0].route[1].weight")).isEqualTo(16);
    assertThat(vs.line("spec.http[0].route[1].destination.subset")).isEqualTo(15);
    // an absent field is located at its nearest written ancestor
    assertThat(vs.line("spec.http[0].retries.attempts")).isEqualTo(9);
    assertThat(vs.isSet("spec.http[0].timeout")).isTrue();
    assertThat(vs.isSet("spec.http[0].retries")).isFalse();
    assertThat(vs.origin().file()).isEqualTo("vs.yaml");
  }

  @Test
  void reportsEveryProblemNotOnlyTheFirst() {
    LoadResult result =
        loader.load(
            "bad.yaml",
            """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata:
              name: ratings
            spec:
              host: ratings
              colour: blue
              trafficPolicy:
                connectionPool:
                  tcp:
                    connectTimeout: soon
                    maxConnections: many
              subsets:
              - name: v1
                labels: {version: v1}
                extra: 1
            """);
    assertThat(messages(result))
        .containsExactly(
            "bad.yaml:7: DestinationRule default/ratings: spec.colour: unknown field \"colour\"",
            "bad.yaml:11: DestinationRule default/ratings: spec.trafficPolicy.connectionPool.tcp.connectTimeout:"
                + " invalid duration \"soon\" (expected: a duration such as 1.5s, 100ms or 1m)",
            "bad.yaml:12: DestinationRule default/ratings: spec.trafficPolicy.connectionPool.tcp.maxConnections:"
                + " invalid value \"many\" (expected: 32-bit integer)",
            "bad.yaml:16: DestinationRule default/ratings: spec.subsets[0].extra: unknown field \"extra\"");
    Resource<?> dr = result.resources().getFirst();
    assertThat(result.isClean(dr)).isFalse();
    assertThat(dr.spec(DestinationRule.class).subsets().getFirst().labels()).containsEntry("version", "v1");
  }

  @Test
  void acceptsProtoSnakeCaseNamesAndEnumsAndIntegerKeys() {
    LoadResult result =
        loader.load(
            "pa.yaml",
            """
            apiVersion: security.istio.io/v1beta1
            kind: PeerAuthentication
            metadata: {name: strict}
            spec:
              selector: {match_labels: {app: a}}
              mtls: {mode: STRICT}
              port_level_mtls:
                "8080": {mode: PERMISSIVE}
            """);
    assertThat(result.problems()).isEmpty();
    PeerAuthentication pa = result.ofType(PeerAuthentication.class).getFirst().spec();
    assertThat(pa.selector().matchLabels()).containsEntry("app", "a");
    assertThat(pa.mtls().mode()).isEqualTo(PeerAuthentication.MutualTls.Mode.STRICT);
    assertThat(pa.portLevelMtls().get(8080).mode()).isEqualTo(PeerAuthentication.MutualTls.Mode.PERMISSIVE);
  }

  @Test
  void readsJsonListsAndKubernetesKindsLeniently() {
    LoadResult result =
        loader.load(
            "k.json",
            """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "uid": "x"},
               "spec": {"selector": {"app": "web"}, "sessionAffinity": "None",
                        "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}},
              {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
               "spec": {"template": {"metadata": {"labels": {"app": "web"}},
                 "spec": {"containers": [{"name": "c", "image": "i", "command": ["java"], "resources": {}}]}}}},
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}}
            ]}
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
            """);
    assertThat(messages(result))
        .containsExactly("k.json:8: ConfigMap default/cm: warning: v1 ConfigMap is not read by the mesh; skipped");
    Service service = result.ofType(Service.class).getFirst().spec();
    assertThat(service.ports().getFirst().effectiveTargetPort().number()).isEqualTo(8080);
    Deployment deployment = result.ofType(Deployment.class).getFirst().spec();
    assertThat(deployment.effectiveReplicas()).isEqualTo(1);
    assertThat(deployment.template().spec().containers().getFirst().command()).containsExactly("java");
    assertThat(deployment.template().spec().effectiveServiceAccount()).isEqualTo("default");
    assertThat(result.resources().getLast().key()).isEqualTo(new ResourceKey("Namespace", "", "shop"));
  }

  @Test
  void unknownIstioKindsAndVersionsAreErrors() {
    LoadResult result =
        loader.load(
            "u.yaml",
            """
            apiVersion: networking.istio.io/v1
            kind: VirtualRouter
            metadata: {name: a}
            ---
            apiVersion: security.istio.io/v1alpha1
            kind: PeerAuthentication
            metadata: {name: b}
            ---
            """);
    assertThat(messages(result))
        .containsExactly(
            "u.yaml:2: VirtualRouter default/a: kind: unknown Istio kind networking.istio.io/v1 VirtualRouter",
            "u.yaml:5: PeerAuthentication default/b: apiVersion: unknown version \"security.istio.io/v1alpha1\" of"
                + " PeerAuthentication (expected: security.istio.io/v1, security.istio.io/v1beta1)");
    assertThat(result.resources()).isEmpty();
  }

  @Test
  void syntaxErrorsAndDuplicateKeysAreLocated() {
    LoadResult dup =
        loader.load(
            "d.yaml",
            """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: g}
            spec:
              selector: {istio: ingressgateway}
              selector: {istio: other}
            """);
    assertThat(messages(dup)).containsExactly("d.yaml:6: Gateway default/g: spec.selector: duplicate field \"selector\"");
    LoadResult broken = loader.load("s.yaml", "apiVersion: v1\nkind: [unclosed\n");
    assertThat(broken.problems()).singleElement().satisfies(p -> {
      assertThat(p.format()).isEqualTo("s.yaml:2: invalid YAML: while parsing a flow sequence; expected ',' or ']', but got <stream end>");
      assertThat(p.isError()).isTrue();
    });
  }

  @Test
  void resolvesYamlAnchorsAliasesAndMergeKeys() {
    LoadResult result =
        loader.load(
            "a.yaml",
            """
            apiVersion: networking.istio.io/v1
            kind: DestinationRule
            metadata: {name: anchors}
            spec:
              host: ratings
              trafficPolicy:
                connectionPool: &pool
                  tcp: {maxConnections: 10}
              subsets:
              - name: v1
                labels: &labels {version: v1}
                trafficPolicy:
                  connectionPool:
                    <<: *pool
                    http: {maxRetries: 2}
              - name: v2
                labels: *labels
              - name: v3
                labels: *missing
            """);
    assertThat(messages(result))
        .containsExactly("a.yaml:19: DestinationRule default/anchors: spec.subsets[2].labels: unknown YAML alias *missing");
    DestinationRule dr = result.resources().getFirst().spec(DestinationRule.class);
    assertThat(dr.subsets().get(1).labels()).containsEntry("version", "v1");
    assertThat(dr.subsets().get(0).trafficPolicy().connectionPool().tcp().maxConnections()).isEqualTo(10);
    assertThat(dr.subsets().get(0).trafficPolicy().connectionPool().http().maxRetries()).isEqualTo(2);
  }

  @Test
  void oddKeysAreReportedNotThrown() {
    LoadResult result =
        loader.load(
            "k.yaml",
            """
            apiVersion: networking.istio.io/v1
            kind: Gateway
            metadata: {name: g}
            spec:
              "servers[": 1
              selector: {"a]b": c}
            """);
    assertThat(messages(result)).containsExactly("k.yaml:5: Gateway default/g: spec.servers[: unknown field \"servers[\"");
  }

  @Test
  void parallelLoadingKeepsFileOrder(@TempDir Path dir) throws Exception {
    for (int i = 0; i < 60; i++) {
      Files.writeString(
          dir.resolve(String.format("f%02d.yaml", i)),
          "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa-%d-a}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa-%d-b}\n"
              .formatted(i, i));
    }
    for (int round = 0; round < 5; round++) {
      List<String> names = loader.load(List.of(dir)).resources().stream().map(Resource::name).toList();
      assertThat(names).hasSize(120);
      for (int i = 0; i < 60; i++) {
        assertThat(names.subList(2 * i, 2 * i + 2)).containsExactly("sa-" + i + "-a", "sa-" + i + "-b");
      }
    }
  }

  @Test
  void walksDirectoriesInSortedOrder(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("b"));
    Files.writeString(dir.resolve("b/z.yml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: z}\n");
    Files.writeString(dir.resolve("a.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: a}\n");
    Files.writeString(dir.resolve("notes.txt"), "not config");
    LoadResult result = loader.load(List.of(dir));
    assertThat(result.resources()).extracting(Resource::name).containsExactly("a", "z");
    assertThatThrownBy(() -> loader.load(List.of(dir.resolve("missing")))).isInstanceOf(NoSuchFileException.class);
  }
}
