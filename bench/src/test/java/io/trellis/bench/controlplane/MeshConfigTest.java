package io.trellis.bench.controlplane;

import static org.assertj.core.api.Assertions.assertThat;

import io.trellis.api.load.ConfigLoader;
import io.trellis.api.load.LoadResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated mesh is read by the api module's loader (which binds every field to Istio's model
 * and reports unknown fields, wrong types and unknown kinds), as the control plane will read it.
 */
class MeshConfigTest {

  @TempDir Path dir;

  private final MeshConfig mesh = new MeshConfig(6, 4);

  @Test
  void generatedConfigLoadsAndValidatesCleanly() throws Exception {
    Path config = dir.resolve("config");
    mesh.write(config);
    try (var files = Files.list(config)) {
      assertThat(files.count()).isEqualTo(18);
    }
    LoadResult loaded = load(config);
    assertThat(loaded.resources()).hasSize(18);
    assertThat(mesh.host(5)).isEqualTo("svc-00005.ns-1.svc.cluster.local");
    assertThat(mesh.cluster(5, "v2")).isEqualTo("outbound|8080|v2|svc-00005.ns-1.svc.cluster.local");
  }

  @Test
  void theRouteChangeIsValidAndOnlyItCarriesTheMarker() throws Exception {
    Path config = dir.resolve("config");
    mesh.write(config);
    String marker = mesh.routeToV2(config, dir.resolve("scratch"), 3);
    assertThat(marker).isEqualTo(mesh.cluster(3, "v2"));
    assertThat(Files.readString(config.resolve("svc-00003-virtualservice.yaml"))).contains("subset: v2");
    assertThat(Files.readString(config.resolve("svc-00002-virtualservice.yaml"))).contains("subset: v1");
    assertThat(load(config).resources()).hasSize(18);
  }

  @Test
  void theEndpointMoveIsValidAndTheNewAddressIsUnique() throws Exception {
    Path config = dir.resolve("config");
    mesh.write(config);
    String address = mesh.moveEndpoint(config, dir.resolve("scratch"), 3);
    assertThat(address).isEqualTo(mesh.movedAddress(3));
    assertThat(Files.readString(config.resolve("svc-00003-serviceentry.yaml"))).contains("address: " + address);
    for (int i = 0; i < mesh.services(); i++) {
      if (i != 3) {
        assertThat(Files.readString(config.resolve(mesh.name(i) + "-serviceentry.yaml"))).doesNotContain(address);
      }
    }
    assertThat(load(config).resources()).hasSize(18);
    try (var scratch = Files.list(dir.resolve("scratch"))) {
      assertThat(scratch).as("edits are renamed into place, nothing left behind").isEmpty();
    }
  }

  @Test
  void theLoaderWouldCatchAMistakeSoTheChecksAboveMeanSomething() throws Exception {
    Path config = dir.resolve("config");
    mesh.write(config);
    Path vs = config.resolve("svc-00001-virtualservice.yaml");
    Files.writeString(vs, Files.readString(vs).replace("subset:", "subsett:"));
    assertThat(new ConfigLoader().load(List.of(config)).problems()).isNotEmpty();
  }

  private static LoadResult load(Path config) throws Exception {
    LoadResult loaded = new ConfigLoader().load(List.of(config));
    assertThat(loaded.problems()).isEmpty();
    return loaded;
  }

  @Test
  void sidecarsAreThePodsOfTheMeshsServices() {
    SidecarIdentity first = SidecarIdentity.ofWorkload(mesh, 5);
    assertThat(first.namespace()).isEqualTo(mesh.namespace(5));
    assertThat(first.app()).isEqualTo(mesh.name(5));
    assertThat(first.ip()).isEqualTo(MeshConfig.endpoint(5, 1));
    assertThat(first.version()).isEqualTo("v1");
    SidecarIdentity second = SidecarIdentity.ofWorkload(mesh, 5 + mesh.services());
    assertThat(second.ip()).isEqualTo(MeshConfig.endpoint(5, 2));
    assertThat(second.version()).isEqualTo("v2");
    var node = second.node();
    assertThat(node.getId()).isEqualTo("sidecar~" + second.ip() + "~" + second.pod() + "." + second.namespace() + "~"
        + second.namespace() + ".svc.cluster.local");
    assertThat(node.getMetadata().getFieldsOrThrow("NAMESPACE").getStringValue()).isEqualTo(mesh.namespace(5));
    assertThat(node.getMetadata().getFieldsOrThrow("LABELS").getStructValue().getFieldsOrThrow("app").getStringValue())
        .isEqualTo(mesh.name(5));
  }
}
