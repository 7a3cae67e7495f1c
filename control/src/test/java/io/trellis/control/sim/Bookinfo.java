package io.trellis.control.sim;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Bookinfo's Istio YAML: this repository's ({@code samples/bookinfo}, where the request-timeout
 * and circuit-breaker tasks live), else Istio's originals in the shared samples.
 */
final class Bookinfo {
  private Bookinfo() {}

  static Path networking(String file) {
    Path dir = Path.of("").toAbsolutePath();
    Path repo = Files.isDirectory(dir.resolve("control")) ? dir : dir.getParent();
    List<Path> candidates =
        List.of(
            repo.resolve("samples/bookinfo/networking").resolve(file),
            repo.resolve("samples/bookinfo").resolve(file),
            repo.getParent().resolve("shared/istio-samples/samples/bookinfo/networking").resolve(file));
    for (Path p : candidates) {
      if (Files.exists(p)) {
        return p;
      }
    }
    throw new AssertionError("Bookinfo file " + file + " not found in " + candidates);
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
