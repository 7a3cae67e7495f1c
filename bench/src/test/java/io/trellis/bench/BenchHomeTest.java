package io.trellis.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchHomeTest {

  @TempDir Path dir;

  @Test
  void trellisHomeWinsOverTheWorkingDirectory() {
    BenchHome home = BenchHome.find(dir.toString(), Path.of("/"));
    assertThat(home.launcher()).isEqualTo(dir.resolve("trellis"));
    assertThat(home.results()).isEqualTo(dir.resolve("bench/results"));
  }

  @Test
  void aCheckoutAsWorkingDirectoryIsFound() throws Exception {
    Files.createFile(dir.resolve("trellis"));
    Files.createDirectory(dir.resolve("bench"));
    assertThat(BenchHome.find(null, dir).root()).isEqualTo(dir.toAbsolutePath());
    Path module = Files.createDirectories(dir.resolve("cli/src"));
    assertThat(BenchHome.find(null, module).root()).as("found from inside the checkout").isEqualTo(dir.toAbsolutePath());
  }

  @Test
  void noCheckoutIsAClearError() {
    assertThatThrownBy(() -> BenchHome.find("", dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TRELLIS_HOME is not set");
  }

  @Test
  void aMissingInstallerIsAnError() {
    assertThatThrownBy(() -> new BenchHome(dir).ensurePackages()).hasMessageContaining("ensure-packages");
  }
}
