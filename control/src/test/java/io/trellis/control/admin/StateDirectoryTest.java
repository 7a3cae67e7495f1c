package io.trellis.control.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {
  @TempDir Path tmp;

  @Test
  void flagThenEnvironmentThenHome() {
    Path flag = tmp.resolve("flag");
    assertThat(StateDirectory.resolve(flag, Map.of(StateDirectory.ENV, "/env")).path()).isEqualTo(flag);
    assertThat(StateDirectory.resolve(null, Map.of(StateDirectory.ENV, "/srv/trellis")).path()).isEqualTo(Path.of("/srv/trellis"));
    assertThat(StateDirectory.resolve(null, Map.of()).path()).isEqualTo(Path.of(System.getProperty("user.home"), ".trellis"));
  }

  @Test
  void createsAPrivateDirectoryAndPrivateFiles() throws Exception {
    StateDirectory dir = new StateDirectory(tmp.resolve("state"));
    dir.claim();
    String token = dir.writeNewToken(new SecureRandom());
    assertThat(Files.getPosixFilePermissions(dir.path())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(dir.tokenFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(java.util.Base64.getUrlDecoder().decode(token)).hasSize(32);
    assertThat(dir.writeNewToken(new SecureRandom())).isNotEqualTo(token);
    ControlPlaneInfo info = new ControlPlaneInfo(ProcessHandle.current().pid(), "127.0.0.1", 1234, "127.0.0.1", 15010, 15014, dir.tokenFile());
    dir.writeInfo(info);
    assertThat(Files.getPosixFilePermissions(dir.infoFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(dir.readInfo()).contains(info);
    assertThat(dir.path().toFile().list()).containsExactlyInAnyOrder("api-token", "control-plane.json"); // no temp files left
  }

  @Test
  void refusesAStateDirectoryOwnedByAnotherLiveProcessButNotAStaleOne() throws Exception {
    StateDirectory dir = new StateDirectory(tmp.resolve("state"));
    Process other = new ProcessBuilder("sleep", "60").start();
    try {
      dir.claim();
      dir.writeInfo(new ControlPlaneInfo(other.pid(), "127.0.0.1", 4242, "127.0.0.1", 15010, 0, dir.tokenFile()));
      assertThatThrownBy(dir::claim)
          .hasMessageContaining("a control plane (pid " + other.pid() + ") already uses state directory")
          .hasMessageContaining("127.0.0.1:4242");
    } finally {
      other.destroy();
      other.waitFor(10, TimeUnit.SECONDS);
    }
    dir.claim(); // the recorded process is gone: the file is stale
  }

  @Test
  void aCorruptInfoFileSaysWhichFileAndWhy() throws Exception {
    StateDirectory dir = new StateDirectory(tmp);
    Files.writeString(dir.infoFile(), "{\"pid\": 1}");
    assertThatThrownBy(dir::readInfo).hasMessageContaining("control-plane.json").hasMessageContaining("\"host\" is missing");
  }
}
