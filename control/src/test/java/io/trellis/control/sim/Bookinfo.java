package io.trellis.control.sim;

import java.nio.file.Files;
import java.nio.file.Path;

/** Bookinfo's Istio YAML as committed in this repository ({@code samples/bookinfo/networking}). */
final class Bookinfo {
  private Bookinfo() {}

  static Path networking(String file) {
    Path dir = Path.of("").toAbsolutePath();
    Path repo = Files.isDirectory(dir.resolve("control")) ? dir : dir.getParent();
    Path p = repo.resolve("samples/bookinfo/networking").resolve(file);
    if (!Files.exists(p)) {
      throw new AssertionError("missing " + p);
    }
    return p;
  }

  /** The Bookinfo registry with destination-rule-all.yaml and the given networking files applied. */
  static Mesh with(String... files) {
    Mesh m = Mesh.bookinfo().file(networking("destination-rule-all.yaml"));
    for (String f : files) {
      m.file(networking(f));
    }
    return m;
  }

  static String cluster(String subset, String service) {
    return "outbound|9080|" + subset + "|" + service + ".default.svc.cluster.local";
  }
}
